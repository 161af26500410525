"""Generate a VAPID key pair for Web Push and print it as environment variables."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from push.vapid import generate_keys, write_key_file


class Command(BaseCommand):
    help = ("Generate a VAPID key pair (P-256) for Web Push and print VAPID_PRIVATE_KEY and "
            "VAPID_PUBLIC_KEY; --write stores it in VAPID_FILE (var/vapid.json), which the "
            "settings read when the environment has no keys.")

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true",
                            help="also write the keys to VAPID_FILE (var/vapid.json)")
        parser.add_argument("--force", action="store_true",
                            help="with --write: replace an existing file")
        parser.add_argument("--pem", action="store_true",
                            help="print the private key as PEM instead of base64url")

    def handle(self, *args, write=False, force=False, pem=False, **options):
        keys = generate_keys()
        if write:
            path = Path(settings.VAPID_FILE)
            if not write_key_file(path, keys, overwrite=force):
                raise CommandError(
                    f"{path} exists. New keys cut off every subscribed device until it "
                    "subscribes again; use --force to replace them.")
            self.stderr.write(f"Wrote {path}")
        private = keys["private_key_pem"] if pem else keys["private_key"]
        if pem:
            self.stdout.write("VAPID_PRIVATE_KEY='" + private.strip() + "'")
        else:
            self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys['public_key']}")
        self.stdout.write(f"VAPID_SUBJECT={settings.VAPID_SUBJECT}")
