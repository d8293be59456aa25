"""`python -m bot chat`: an entry-point shim; the terminal chat is wired in the composition root (app/chat.py)."""
import sys

from app.chat import main

if __name__ == "__main__":
    sys.exit(main())
