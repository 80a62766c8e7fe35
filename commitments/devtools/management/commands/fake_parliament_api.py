import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.devtools.recorded_api import FAULT_MODES, RECORDINGS_DIR, FakeParliamentServer, RecordedData


class Command(BaseCommand):
    help = (
        "Serve recorded written questions in the exact shape of Parliament's Written Questions API, "
        "on loopback, with optional fault modes. Point PARLIAMENT_API_URL at it. Control endpoints: "
        "GET /_fake/stats, POST /_fake/advance (next 'run' for --fault correction), "
        'POST /_fake/fault {"mode": ..., "rate": ...}, POST /_fake/reset.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default: %(default)s).")
        parser.add_argument(
            "--port", type=int, default=8765, help="Port (default: %(default)s; 0 = any free)."
        )
        parser.add_argument(
            "--data",
            default=str(RECORDINGS_DIR),
            help="Folder of *.json records, list responses and full-text overlays (default: %(default)s).",
        )
        for kind in ("statements", "contributions"):
            parser.add_argument(
                f"--{kind}",
                help=f"A JSON file holding a list of {kind} in the API's record shape, served instead of "
                "the research rows in fixtures/ (the benchmark's replicas).",
            )
        parser.add_argument("--fault", choices=FAULT_MODES, help="Misbehave like this.")
        parser.add_argument(
            "--fault-rate",
            type=float,
            default=0.5,
            help="Fraction of requests that fault, spread evenly; for 'correction', 'too-long' and 'nul' the "
            "fraction of records spoiled (default: %(default)s).",
        )
        parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds for 429.")
        parser.add_argument("--slow-seconds", type=float, default=30.0, help="How long 'slow' takes.")

    def handle(self, *args, host, port, data, fault, fault_rate, retry_after, slow_seconds, **options):
        if not 0 <= fault_rate <= 1:
            raise CommandError("--fault-rate must be between 0 and 1.")
        recorded = RecordedData.load(data)
        spoken = {
            kind: json.loads(Path(options[kind]).read_text(encoding="utf-8"))
            for kind in ("statements", "contributions")
            if options.get(kind)
        }
        server = FakeParliamentServer(
            recorded,
            **spoken,
            host=host,
            port=port,
            fault=fault,
            fault_rate=fault_rate,
            retry_after=retry_after,
            slow_seconds=slow_seconds,
        )
        self.stdout.write(
            f"Serving {len(recorded.records)} recorded questions on {server.url}"
            + (f" with fault {fault} at rate {fault_rate}" if fault else "")
            + ". Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
