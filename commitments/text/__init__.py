"""Pure text: the one tokenizer and passage splitter (passages) and how evidence is quoted (quotes).
No database and no models, so every layer may use it, the models included."""
