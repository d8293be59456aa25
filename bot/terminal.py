"""The terminal channel: replies printed to a stream, for trying flows and replaying transcripts.

Transcript format (the same one the flow tests replay): a line starting with
`> ` is what the person typed; the lines after it are what the bot answered;
a choice is shown as `  1. label`; a message to someone else is prefixed with
`[to NAME]`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.messages import Channel, Outbound
from bot.ports import SendResult, Sent


@dataclass
class TerminalSender:
    """Prints each message; marks it sent. `me` is the address typing at the terminal."""

    out: TextIO
    me: str
    channel: Channel = Channel.TERMINAL
    names: dict[str, str] = field(default_factory=dict)
    media_dir: Path | None = None  # where pictures and files are written; None: only their names are printed

    def send(self, message: Outbound, plan: object = None) -> SendResult:
        lines = []
        if message.address != self.me or message.channel is not Channel.TERMINAL:
            lines.append(f"[to {self.names.get(message.address, message.address)}]")
        lines.append(message.text)
        lines.extend(f"  {i}. {choice.label}" for i, choice in enumerate(message.choices, 1))
        if message.attachment is not None:
            lines.append(self._attachment(message))
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()
        return Sent(f"terminal-{message.id}")

    def _attachment(self, message: Outbound) -> str:
        """Write the picture or file (drawn now, as a channel's sender would) and say where it is."""
        attachment = message.attachment
        assert attachment is not None
        label = "foto" if attachment.kind == "photo" else "dokumen"
        if self.media_dir is None:
            return f"[{label}: {attachment.filename}]"
        from bot.media import materialise

        self.media_dir.mkdir(parents=True, exist_ok=True)
        path = self.media_dir / f"{message.id}-{attachment.filename}"
        path.write_bytes(materialise(attachment.spec))
        return f"[{label}: {path}]"
