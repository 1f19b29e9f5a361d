# SPDX-License-Identifier: Apache-2.0
"""The `ogc-hysds` command: run the server, and drive the local devstack."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ogc_hysds.config import Settings, SettingsError, load_settings
from ogc_hysds.devstack.process import DevstackError
from ogc_hysds.logs import configure_logging

log = logging.getLogger("ogc_hysds")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()
    try:
        return int(args.handler(args) or 0)
    except SettingsError as err:
        print(f"ogc-hysds: {err}", file=sys.stderr)
        return 2
    except DevstackError as err:
        print(f"ogc-hysds devstack: {err}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogc-hysds", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API (development server)")
    serve.add_argument("--config", help="settings file (default config/ogc-hysds.yml)")
    serve.add_argument("--host", help="bind address (default: server.host)")
    serve.add_argument("--port", type=int, help="port (default: server.port)")
    serve.set_defaults(handler=_serve)

    notify = commands.add_parser(
        "notifier", help="deliver execute callbacks (one per deployment)"
    )
    notify.add_argument("--config", help="settings file (default config/ogc-hysds.yml)")
    notify.set_defaults(handler=_notifier)

    check = commands.add_parser("check-config", help="validate the settings and exit")
    check.add_argument("--config")
    check.set_defaults(handler=_check_config)

    devstack = commands.add_parser("devstack", help="local OpenSearch + RabbitMQ")
    actions = devstack.add_subparsers(dest="action", required=True)
    actions.add_parser("up", help="start (or reuse) the services").set_defaults(
        handler=_devstack_up
    )
    actions.add_parser("down", help="stop what `up` started").set_defaults(
        handler=_devstack_down
    )
    actions.add_parser("status", help="show the services' state").set_defaults(
        handler=_devstack_status
    )
    seed = actions.add_parser("seed", help="load HySDS-shaped sample data")
    seed.add_argument("--products", type=int, default=300)
    seed.add_argument("--seed", type=int, default=42, help="random seed")
    seed.add_argument("--config", help="settings file naming the indices")
    seed.set_defaults(handler=_devstack_seed)
    simulate = actions.add_parser(
        "simulate", help="run the HySDS simulator (a real Celery worker)"
    )
    simulate.add_argument("--config", help="settings file (broker, indices)")
    simulate.add_argument("--queued", type=float, default=2.0, help="seconds queued")
    simulate.add_argument("--running", type=float, default=5.0, help="seconds running")
    simulate.set_defaults(handler=_devstack_simulate)
    return parser


def _load(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


def _serve(args: argparse.Namespace) -> int:
    from ogc_hysds.app import create_app

    settings = _load(args)
    configure_logging(settings.server.log_level)
    app = create_app(settings)
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    log.info(
        "development server on http://%s:%s (use gunicorn in production)", host, port
    )
    app.run(host=host, port=port, threaded=True)
    return 0


def _notifier(args: argparse.Namespace) -> int:
    from ogc_hysds.processes.notifier import run_standalone

    settings = _load(args)
    configure_logging(settings.server.log_level)
    return run_standalone(settings)


def _check_config(args: argparse.Namespace) -> int:
    settings = _load(args)
    print(f"settings OK: GRQ {settings.grq.url}, Mozart {settings.mozart.url}")
    return 0


def _devstack_up(args: argparse.Namespace) -> int:
    from ogc_hysds.devstack.stack import Devstack

    stack = Devstack()
    stack.up()
    for name, url in stack.urls().items():
        print(f"{name:20} {url}")
    return 0


def _devstack_down(args: argparse.Namespace) -> int:
    from ogc_hysds.devstack.stack import Devstack

    stopped = Devstack().down()
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def _devstack_status(args: argparse.Namespace) -> int:
    from ogc_hysds.devstack.stack import Devstack

    status = Devstack().status()
    for name, state in status.items():
        print(f"{name:12} {state}")
    return 0 if all(state.startswith("running") for state in status.values()) else 3


def _devstack_seed(args: argparse.Namespace) -> int:
    from ogc_hysds.devstack.seed import seed_all

    summary = seed_all(_load(args), products=args.products, random_seed=args.seed)
    print(summary)
    return 0


def _devstack_simulate(args: argparse.Namespace) -> int:
    from ogc_hysds.devstack.simulator import Timings, run

    run(_load(args), Timings(queued=args.queued, running=args.running))
    return 0


if __name__ == "__main__":
    sys.exit(main())
