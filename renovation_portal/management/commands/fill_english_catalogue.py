"""Fill the English catalogue: msgids are English, so each msgstr is its msgid.

Run by ``make messages`` after ``makemessages`` so that the English catalogue is
complete by construction and a Chinese-only gap shows up in the Chinese one.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

ENTRY = re.compile(
    r'(?P<head>(?:^msgctxt .*\n(?:^".*"\n)*)?^msgid (?P<id>".*"\n(?:^".*"\n)*))'
    r'(?P<plural>^msgid_plural (?P<pid>".*"\n(?:^".*"\n)*))?'
    r'(?P<strs>(?:^msgstr(?:\[\d+\])? ".*"\n(?:^".*"\n)*)+)',
    re.M,
)


def _fill(match: re.Match) -> str:
    if match.group("id").strip() == '""':  # the header entry
        return match.group(0)
    singular = match.group("id").rstrip("\n")
    if match.group("plural"):
        plural = match.group("pid").rstrip("\n")
        body = f"msgstr[0] {singular}\nmsgstr[1] {plural}\n"
        return match.group("head") + match.group("plural") + body
    return match.group("head") + f"msgstr {singular}\n"


class Command(BaseCommand):
    help = "Copy each msgid of the English catalogue into its empty msgstr."

    def handle(self, *args, **options):
        path = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
        text = path.read_text(encoding="utf-8")
        text = ENTRY.sub(_fill, text)
        # The English text is the msgid itself, so nothing here is ever fuzzy.
        text = re.sub(r"^#\| .*\n", "", text, flags=re.M)
        text = re.sub(r"^#, fuzzy\n", "", text, flags=re.M)
        text = re.sub(r"^#, fuzzy, ", "#, ", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Filled {path}")
