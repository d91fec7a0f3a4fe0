"""PII redaction in French and English, and look-alikes that must survive."""

from __future__ import annotations

import pytest

from nlp.text.redaction import redact_pii

REDACTED = [
    # (text, placeholder, kind)
    ("Écrivez-moi à jean.dupont@gmail.com svp", "<EMAIL>", "EMAIL"),
    ("Please email me at john.smith+orders@example.co.uk thanks", "<EMAIL>", "EMAIL"),
    ("Rappelez-moi au 06 12 34 56 78 après 18h", "<PHONE>", "PHONE"),
    ("Mon fixe : 01.42.68.53.00", "<PHONE>", "PHONE"),
    ("Joignable au +33 6 12 34 56 78 ou 0033 6 12 34 56 78", "<PHONE>", "PHONE"),
    ("tel 0612345678", "<PHONE>", "PHONE"),
    ("Call me on +44 20 7946 0958 any time", "<PHONE>", "PHONE"),
    ("My number is (415) 555-0132", "<PHONE>", "PHONE"),
    ("Reach me at +1 415-555-0132 tomorrow", "<PHONE>", "PHONE"),
    ("Remboursez sur FR76 3000 6000 0112 3456 7890 189 merci", "<IBAN>", "IBAN"),
    ("Refund to GB82 WEST 1234 5698 7654 32 please", "<IBAN>", "IBAN"),
    ("Refund to DE89370400440532013000", "<IBAN>", "IBAN"),
    ("Ma carte 4970 1000 0000 0063 a été débitée deux fois", "<CARD>", "CARD"),
    ("Card 4111-1111-1111-1111 was charged twice", "<CARD>", "CARD"),
    ("Amex 378282246310005 declined", "<CARD>", "CARD"),
    ("MasterCard 5555555555554444 refusée au paiement", "<CARD>", "CARD"),
    (
        "Le lien https://shop.example.com/reset?token=abc123XYZ&lang=fr ne marche pas",
        "<URL_SECRET>",
        "URL_SECRET",
    ),
    ("Link https://bob:hunter2@ftp.example.com/files is broken", "<URL_SECRET>", "URL_SECRET"),
    ("see https://api.example.com/v1?api_key=sk_9f8e7d6c5b4a", "<URL_SECRET>", "URL_SECRET"),
    ("mon mot de passe : Azerty123! ne marche plus", "<SECRET>", "SECRET"),
    ("my password is: hunter22 and it fails", "<SECRET>", "SECRET"),
    ("token sk_live_4eC39HqLyjWDarjtT1zdp7dc leaked", "<SECRET>", "SECRET"),
]


@pytest.mark.parametrize(("text", "placeholder", "kind"), REDACTED)
def test_pii_is_replaced(text: str, placeholder: str, kind: str) -> None:
    result = redact_pii(text)
    assert placeholder in result.text, result.text
    assert result.counts.get(kind, 0) >= 1
    # nothing but the PII changed: the surrounding words survive
    assert text.split()[0] in result.text


def test_pii_values_are_gone() -> None:
    text = (
        "Bonjour, je suis joignable au 06 12 34 56 78 ou par mail marie@orange.fr. IBAN FR76 3000 6000 0112 "
        "3456 7890 189, carte 4111 1111 1111 1111. Lien: https://x.fr/r?token=s3cr3t"
    )
    out = redact_pii(text).text
    for secret in ("06 12 34 56 78", "marie@orange.fr", "FR76", "4111", "s3cr3t"):
        assert secret not in out
    assert redact_pii(text).counts == {"PHONE": 1, "EMAIL": 1, "IBAN": 1, "CARD": 1, "URL_SECRET": 1}


LOOK_ALIKES = [
    "Commande n° 123456789012 passée le 12/03/2024",
    "Order #4000123456789 placed on 2024-03-12, still not shipped",
    "J'ai payé 1 234,56 € puis 49,99 EUR de frais",
    "Paid $1,299.99 plus 12.50 shipping on 03/12/2024",
    "Numéro de suivi 1Z999AA10123456784, colis 6A12345678901",
    "Facture FR-2024-00123 du 15 mars 2024",
    "Order 20240312123456 arrived on 12.03.2024 at 14:35",
    "Référence client 4485 2024 0001",
    "Delivered in 3-5 business days, 2 out of 5 stars",
    "Version 2.14.3 de l'appli plante au démarrage",
    "Ticket 48213 ouvert le 2024-03-14T16:05:00Z",
    "Rendez-vous le 12/03 à 10h30, code postal 75011",
    "Promo code SUMMER2024 did not work at checkout",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_kept(text: str) -> None:
    result = redact_pii(text)
    assert result.text == text, result.counts
    assert result.counts == {}


def test_failed_checksums_are_not_redacted() -> None:
    assert redact_pii("carte 4111 1111 1111 1112").counts == {}  # Luhn fails
    assert redact_pii("IBAN FR76 3000 6000 0112 3456 7890 188").counts == {}  # mod-97 fails
