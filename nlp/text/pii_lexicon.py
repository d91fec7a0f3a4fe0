"""Word lists behind the rule-based name and address detectors (written for Frictionmap).

Kept apart from the rules so they can grow without touching the logic. The first-name lists hold common French
and English given names that are rarely ordinary words; names that are also places, months or common words
(Victoria, Florence, Chelsea, Austin, May, Will, Grace, Rose...) are left out on purpose: they need a title or
a role word to count as a name.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


FIRST_NAMES = _words(
    """
    Adam Adèle Adrien Agathe Agnès Alain Alexandre Alexandra Alexis Alice Aline Amandine Amélie Anaïs André
    Andrée Angélique Anne Annie Anthony Antoine Arnaud Arthur Aurélie Aurélien Axel Baptiste Benjamin Benoît
    Bernard Bertrand Bilal Brigitte Bruno Camille Carole Caroline Cécile Céline Chantal Charlotte Chloé
    Christelle Christian Christine Christophe Claire Claude Clément Coralie Corinne Cyril Damien Daniel
    Danielle David Delphine Denis Didier Dominique Dylan Edouard Édouard Élise Élodie Eloïse Emilie Émilie
    Emmanuel Emmanuelle Enzo Éric Eric Estelle Fabien Fabienne Fabrice Fanny Farid Fatima Florian Francis
    François Françoise Franck Frédéric Gabriel Gaël Gaëlle Geneviève Georges Gérard Gilles Grégory Guillaume
    Hélène Henri Hervé Hugo Hugues Inès Isabelle Jacqueline Jacques Jean Jeanne Jérémy Jérôme Joël Johan
    Jonathan Josiane Julie Julien Juliette Justine Karim Karine Kévin Laetitia Laëtitia Laura Laure Laurence
    Laurent Léa Léo Lina Loïc Louis Louise Luc Lucas Lucie Ludovic Magali Malik Manon Marc Marcel Margaux
    Marine Marion Martine Mathieu Mathilde Matthieu Maxime Mehdi Mélanie Michel Michèle Mickaël Monique
    Morgane Nadia Nadine Nathalie Nicolas Nicole Noémie Océane Olivier Pascal Pascale Patrick Patricia
    Perrine Philippe Pierre Quentin Rachid Raphaël Régis Rémi Rémy Renaud Romain Sabrina Samir Samuel Sandrine
    Sébastien Séverine Simon Sofiane Solène Sophie Stéphane Stéphanie Sylvain Sylvie Thibault Thierry Thomas
    Valentin Valérie Véronique Vincent Virginie Xavier Yann Yannick Yasmine Youssef Yves Yvette Zoé
    Aaron Abigail Alan Albert Alexander Alice Alison Amanda Amy Andrew Angela Anna Anthony Ashley Barbara Ben
    Benjamin Betty Brandon Brian Carl Carol Catherine Charles Charlotte Chris Christina Christopher Claire
    Craig Daniel Darren Dave David Deborah Dennis Donna Dorothy Douglas Dylan Edward Eleanor Elizabeth Emily
    Emma Eric Ethan Gary Gareth George Gemma Graham Greg Gregory Hannah Harry Heather Helen Henry Ian Isabella
    Jack Jacob Jake James Jamie Jane Janet Jason Jeffrey Jennifer Jeremy Jessica Joanne John Jonathan Joseph
    Joshua Judith Julia Justin Karen Katherine Kathleen Kayleigh Keith Kelly Kenneth Kevin Kimberly Kyle
    Laura Lauren Leah Linda Lisa Liam Lucy Luke Margaret Maria Martin Matthew Megan Melissa Michael Michelle
    Natalie Nathan Neil Nicholas Nicola Noah Oliver Olivia Oscar Patricia Paul Peter Philip Priya Rachel
    Rebecca Richard Robert Ryan Samantha Samuel Sandra Sarah Scott Sean Sharon Simon Sophie Stephen Steve
    Steven Stuart Susan Thomas Timothy Tom Tony Tyler Victoria Vanessa Wayne William Zachary Zoe
    Mark Luis Carlos Juan José Jose Pedro Miguel Diego Pablo Javier Ana Lucía Marco Luca Giulia Francesca
    Matteo Giovanni Hans Klaus Lukas Anja Sven Lars Ingrid Piotr Anna Olga Ivan Dmitri Igor Aïcha Aicha
    Ahmed Ali Amir Fatou Hamza Ibrahim Karima Leila Mamadou Mohamed Moussa Nabil Omar Rania Sarah Yacine
    """
) - frozenset({"Victoria"})

# Capitalised words that are not names even right after a role word: brands, services, shops, carriers.
NOT_NAMES = _words(
    """
    Amazon Apple Google Microsoft Samsung Huawei Xiaomi Sony Netflix Spotify Uber Deliveroo Airbnb Booking
    Chronopost Colissimo Mondial Relay Relais Pickup Poste DPD DHL UPS FedEx Fedex Hermes Evri Yodel Royal
    Mail Orange Free Bouygues Sosh SFR Red Fnac Darty Boulanger Cdiscount Carrefour Leclerc Auchan Lidl Aldi
    Monoprix Intermarché Casino Decathlon Ikea IKEA Leroy Merlin Castorama Zalando Vinted Leboncoin Shein
    Asos Tesco Argos Currys Sainsbury Asda Morrisons Waitrose Boots Sky Virgin Vodafone Verizon Comcast
    Walmart Target Costco Kroger Best Buy Prime Kindle Tesla Renault Peugeot Citroën Toyota Ryanair Easyjet
    EasyJet Air France Lufthansa British Airways SNCF Ouigo Eurostar Ameli Vitale CAF Pôle Emploi Engie EDF
    Total TotalEnergies Veolia Suez BNP Société Générale Crédit Agricole LCL Boursorama Revolut Lydia PayPal
    Paypal Visa Mastercard Express Service Support Team Client Clients Customer Care Accueil Agence Magasin
    Store Shop Centre Center Hotel Hôtel Bank Banque Mutuelle Assurance Livebox Freebox Bbox Android iOS
    Windows Mac iPhone iPad Galaxy Pixel Black Friday Noël Christmas Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche January February March April
    June July August September October November December Janvier Février Mars Avril Mai Juin Juillet Août
    Septembre Octobre Novembre Décembre The A An And Le La Les Un Une Des Du De Et Mon Ma Mes Your My Our
    Merci Thanks Thank Bonjour Hello Hi Dear Cher Chère SAV CEO Manager Responsable
    """
)

# Words right before a capitalised name that make it a place, not a person (Gare Saint-Lazare, Victor Hugo
# station, Charles de Gaulle airport...).
PLACE_WORDS = _words(
    """
    rue avenue av bd boulevard allée chemin impasse place quai cours square passage route gare station
    métro metro aéroport aeroport lycée collège college école ecole université hôpital hopital clinique centre
    center stade parc pont musée théâtre theatre cinéma église eglise résidence cité avenue street st road
    lane airport hospital school university park bridge line church saint sainte boutique magasin store
    """
)

# Brands and places that read as a first name and a surname; matched case-sensitively, as whole phrases.
NOT_NAME_PHRASES = (
    "Yves Rocher", "Louis Vuitton", "Ralph Lauren", "Calvin Klein", "Pierre Cardin", "Marie Claire",
    "Thomas Cook", "Jean Coutu", "Victor Hugo", "Jean Jaurès", "Jean Moulin", "Marie Curie",
    "Charles de Gaulle",
    "Pierre Fabre", "Jacques Dessange", "Franck Provost", "Jean Louis David", "Hugo Boss", "Tommy Hilfiger",
    "Ted Baker", "Paul Smith", "Marks and Spencer", "Marks & Spencer", "John Lewis", "Victoria Beckham",
)  # fmt: skip

# Prefilter of the role-word and introduction rules (``pii_names._CUED``, ``_STRONG``; issue 14): every match
# of those regexes starts with one of these words (lower-cased, one alternative's first word each, all the
# spellings its pattern allows), or with one of the word pairs below when the first word alone is too common
# to be worth it ("my name", "je m'appelle", "delivery guy"). A text with none of them cannot match, and the
# two case-insensitive alternations (~30-45 µs a text) are skipped. Keep in sync with ``_ROLES``, ``_INTROS``
# and ``_STRONG``: tests/nlp/text/test_redaction_prefilters.py checks every alternative.
CUE_WORDS = _words(
    """
    conseiller conseillère agent agente technicien technicienne livreur livreuse vendeur vendeuse opérateur
    opératrice interlocuteur interlocutrice responsable gérant gérante directeur directrice chauffeur coursier
    coursière réceptionniste hôtesse commercial commerciale factrice facteur installateur
    plombier électricien infirmière infirmier médecin pharmacienn pharmacienne caissière caissier collègue
    dépanneur employé employée serveur serveuse manager gestionnaire adviser advisor rep representative
    technician driver courier engineer supervisor cashier salesperson assistant consultant operator
    clerk receptionist nurse doctor pharmacist installer plumber electrician colleague handler
    officer waiter waitress host hostess postman postwoman
    signé cordialement nommé nommée prénommé prénommée named signed regards thanks
    """
)
CUE_PAIRS = frozenset(
    [
        ("je", "m"), ("mon", "nom"), ("moi", "c"), ("un", "certain"), ("une", "certaine"), ("du", "nom"),
        ("merci", "à"), ("eu", "au"), ("my", "name"), ("name", "s"), ("thank", "you"), ("ask", "for"),
        ("asked", "for"), ("delivery", "guy"), ("delivery", "man"), ("delivery", "woman"),
        ("guy", "called"), ("man", "called"), ("woman", "called"), ("lady", "called"), ("girl", "called"),
        ("gentleman", "called"), ("person", "called"), ("someone", "called"), ("chargé", "de"),
        ("chargée", "de"), ("sales", "assistant"), ("account", "manager"), ("case", "handler"),
        ("bravo", "à"), ("reçu", "par"), ("reçue", "par"), ("parlé", "à"), ("parlé", "avec"), ("kudos", "to"),
        ("shout", "out"),
        ("shoutout", "to"), ("spoke", "to"), ("spoke", "with"), ("talked", "to"), ("talked", "with"),
        ("chatted", "with"), ("helped", "by"), ("served", "by"), ("dealt", "with"), ("thanks", "to"),
    ]
)  # fmt: skip
CUE_STEMS = ("félicit",)  # "félicit\w+": félicitations, félicite...
