"""Analysis orchestration: runs the nlp pipeline over stored feedback and keeps pain points stable."""
