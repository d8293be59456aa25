"""The composition root: builds every process from Settings and wires the edges together; nothing imports it.

`runtime` (database, senders, budget, dispatcher), `wsgi` (the Flask app factory), `cli` (the operator
commands), `embedded` (`make run`), and one module per Procfile process: `worker`, `clock`, `satusehat`,
`release`, `chat` (`python -m bot chat`).
"""
