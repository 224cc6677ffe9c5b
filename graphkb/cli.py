"""The ``graphkb`` command line: set up, seed, inspect, exchange and serve the graph.

Every command documents itself (``graphkb COMMAND --help``); long work shows a progress bar
on standard error.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, Any

import click
from tqdm import tqdm

from .errors import GraphKBError
from .store import open_store
from .store.base import Store

__all__ = ["main", "cli"]


@contextmanager
def _progress(total: int | None, desc: str) -> Iterator[Any]:
    with tqdm(total=total, desc=desc, unit=" entities", file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar.update


@contextmanager
def _store(ctx: click.Context, url: str | None = None) -> Iterator[Store]:
    try:
        store = open_store(url or ctx.obj["store_url"])
    except GraphKBError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except GraphKBError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_url",
    envvar="GRAPHKB_STORE",
    default=None,
    metavar="URL",
    help="Store URL, e.g. sqlite:///path/graphkb.sqlite3 (default: GRAPHKB_STORE or instance/graphkb.sqlite3).",
)
@click.version_option(package_name="graphkb")
@click.pass_context
def cli(ctx: click.Context, store_url: str | None) -> None:
    """graphkb: a knowledge graph of Sozialraumorientierung in child and youth welfare."""
    ctx.ensure_object(dict)
    ctx.obj["store_url"] = store_url


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the store (or bring its schema up to date) and print where it is."""
    with _store(ctx) as store:
        click.echo(f"Store ready: {store!r} (graph version {store.graph_version()})")


@cli.command()
@click.pass_context
def seed(ctx: click.Context) -> None:
    """Load the Graz seed graph and its background layer. Safe to run again: it changes nothing then.

    Entities a contributor edited since the seed wrote them are kept as they are.
    """
    from .seed import SEED_AUTHOR, load_seed, read_seed

    with _store(ctx) as store, _progress(len(read_seed()), "seed") as step:
        result = load_seed(store, author=SEED_AUTHOR, progress=step)
    click.echo(
        f"Seed: {len(result.created)} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged, {len(result.kept)} kept as edited in the wiki."
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Count entities by type, statements by relation type, revisions; show the graph version."""
    with _store(ctx) as store:
        figures = store.stats().to_dict()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{figures['entities']} entities ({figures['deleted']} deleted), {figures['statements']} statements, "
        f"{figures['citations']} citations, {figures['revisions']} revisions, graph version {figures['graph_version']}"
    )
    for name, count in figures["by_type"].items():
        click.echo(f"  {name:<18} {count:>8}")
    for name, count in figures["by_relation"].items():
        click.echo(f"  {name:<18} {count:>8}")


def _names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), default="-", help="File (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "graphml", "gexf", "csv", "cypher"]),
    default="json",
    show_default=True,
    help="json: lossless (history included); graphml, gexf: for graph tools (Gephi); csv: a zip of "
    "nodes.csv and edges.csv; cypher: a script that rebuilds the graph in an empty Neo4j.",
)
@click.option("--types", metavar="TYPE,…", help="Only entities of these types, e.g. Practice,Outcome.")
@click.option("--relations", metavar="REL,…", help="Only statements of these relation types, e.g. LEADS_TO.")
@click.option("--around", metavar="ID", help="Only the neighbourhood of this entity (see --depth).")
@click.option("--depth", type=click.IntRange(1, 5), default=1, show_default=True, help="Hops for --around.")
@click.option(
    "--lang", type=click.Choice(["de", "en"]), default="de", show_default=True, help="Node labels (gexf, graphml)."
)
@click.option("--no-history", is_flag=True, help="JSON: leave the revision history out (current state only).")
@click.pass_context
def export(
    ctx: click.Context,
    output: str,
    fmt: str,
    types: str | None,
    relations: str | None,
    around: str | None,
    depth: int,
    lang: str,
    no_history: bool,
) -> None:
    """Export the whole graph or a view of it (--types, --relations, --around ID --depth N).

    JSON (graphkb-json v1) of the whole graph is lossless: entities, statements, citations, history.
    The other formats, and JSON of a view, carry the live entities and the statements between them.
    """
    from .exchange import EXPORT_FORMATS, export_json, select

    with _store(ctx) as store:
        selection = select(
            store, around=around, depth=depth, entity_types=_names(types), relation_types=_names(relations)
        )
        figures = store.stats()
        if selection.ids is not None:
            total = len(selection.ids)
        elif selection.entity_types:
            total = sum(figures.by_type.get(t, 0) for t in selection.entity_types)
        else:
            total = figures.entities + (figures.deleted if fmt == "json" and selection.is_whole() else 0)
        with _progress(total, "export") as step:
            if fmt == "json":
                with click.open_file(output, "w", encoding="utf-8") as out:
                    count = export_json(store, out, history=not no_history, progress=step, selection=selection)
            else:
                with click.open_file(output, "wb") as out:
                    count = EXPORT_FORMATS[fmt].write(store, out, selection=selection, progress=step, lang=lang)
    click.echo(f"Exported {count} entities.", err=True)


def _csv_file(path: str) -> IO[str]:
    """A CSV file (or standard input) as text: UTF-8 with or without a BOM, line ends left to the csv module."""
    raw = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 - closed by the caller
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default=None,
    help="json or csv (default: from the file name: .zip and .csv are csv).",
)
@click.option(
    "--edges",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV: the edges.csv that goes with FILE, when FILE is a nodes.csv rather than a zip of both.",
)
@click.option("--author", default="import", show_default=True, help="Author of the revisions an import creates.")
@click.pass_context
def import_(ctx: click.Context, file: str, fmt: str | None, edges: str | None, author: str) -> None:
    """Import a graphkb-json file, or CSV (a zip of nodes.csv and edges.csv, or the two files), all or nothing.

    JSON with its history keeps the revisions as they were; CSV gives every entity revision 1.
    """
    from .exchange import import_csv, import_csv_zip, import_json

    fmt = fmt or ("csv" if file.lower().endswith((".zip", ".csv")) or edges else "json")
    with _store(ctx) as store, _progress(None, "import") as step:
        if fmt == "json":
            with click.open_file(file, "r", encoding="utf-8") as src:
                count = import_json(store, src, author=author, progress=step)
        elif file.lower().endswith(".csv") or edges:
            with ExitStack() as files:
                nodes_src = files.enter_context(_csv_file(file))
                edges_src = files.enter_context(_csv_file(edges)) if edges else None
                count = import_csv(store, nodes_src, edges_src, author=author, progress=step)
        else:
            with click.open_file(file, "rb") as src:
                # a zip needs to seek: standard input is read into memory first
                data = src if src.seekable() else io.BytesIO(src.read())
                count = import_csv_zip(store, data, author=author, progress=step)
    click.echo(f"Imported {count} entities.")


@cli.command()
@click.argument("n", type=click.IntRange(1, 10_000_000))
@click.option(
    "--seed", "seed_number", type=int, default=1, show_default=True, help="Random seed: same N and seed, same graph."
)
@click.option(
    "--statements", type=click.FloatRange(0, 50), default=3.0, show_default=True, help="Statements per entity."
)
@click.pass_context
def gen(ctx: click.Context, n: int, seed_number: int, statements: float) -> None:
    """Add a synthetic graph of N entities (the ontology's type mix, heavy-tailed degrees) for benchmarks."""
    from .synth import generate

    with _store(ctx) as store, _progress(n, "gen") as step:
        count = store.bulk_import(
            generate(n, seed=seed_number, statements_per_entity=statements),
            author="gen",
            summary=f"Synthetic graph n={n} seed={seed_number}",
            progress=step,
        )
    click.echo(f"Generated {count} entities.")


@cli.command()
@click.option("--from", "source_url", required=True, metavar="URL", help="The store to copy from.")
@click.option("--to", "target_url", required=True, metavar="URL", help="The empty store to copy into.")
@click.option("--verify/--no-verify", default=True, show_default=True, help="Compare both stores' exports afterwards.")
@click.pass_context
def migrate(ctx: click.Context, source_url: str, target_url: str, verify: bool) -> None:
    """Copy the whole graph between stores, e.g. from sqlite:///instance/graphkb.sqlite3 to neo4j://host:7687.

    Entities, statements, citations, every revision, the accounts and their API tokens arrive
    unchanged; the target must be empty. With --verify (the default) both stores' full exports are compared.
    """
    from .migrate import export_digest
    from .migrate import migrate as copy_graph

    with _store(ctx, source_url) as source, _store(ctx, target_url) as target:
        figures = source.stats()
        with _progress(figures.entities + figures.deleted, "migrate") as step:
            result = copy_graph(source, target, progress=step)
        click.echo(
            f"Migrated {result.entities} entities, {result.revisions} revisions, {result.users} accounts, "
            f"{result.tokens} API tokens."
        )
        if verify:
            click.echo("Verifying: comparing both exports …", err=True)
            if export_digest(source) != export_digest(target):
                raise click.ClickException("verification failed: the exports of the two stores differ")
            click.echo("Verified: both stores export identically.")


@cli.group()
def user() -> None:
    """Manage accounts: `graphkb user add NAME --role admin` creates the first administrator."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reader", "editor", "admin"]), default="editor", show_default=True)
@click.option("--email", default="", help="E-mail address (optional).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, email: str, password_stdin: bool) -> None:
    """Create an account; the password is asked for twice (or read from standard input) and stored hashed."""
    from .accounts import MIN_PASSWORD_LENGTH, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True
        )
    with _store(ctx) as store:
        created = create_user(store, name, role, password, email)
    click.echo(f"Created {created.role} {created.name!r}.")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the accounts with their roles."""
    with _store(ctx) as store:
        for account in store.list_users():
            state = " (disabled)" if account.disabled else ""
            click.echo(f"{account.name}\t{account.role}{state}\t{account.email}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, type=click.IntRange(1, 65535), show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, type=click.IntRange(1, 64), show_default=True, help="Worker processes.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web app with gunicorn (a production WSGI server; debug off)."""
    from gunicorn.app.base import BaseApplication

    from .config import secret_key

    store_url = ctx.obj["store_url"]
    with _store(ctx):
        pass  # fail here, clearly, rather than in every worker
    config = {"SECRET_KEY": secret_key()}  # one key for all workers, kept across restarts
    if store_url:
        config["GRAPHKB_STORE"] = store_url

    class _Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from webui import create_app

            return create_app(config)

    click.echo(f"graphkb on http://{host}:{port}/", err=True)
    _Server().run()


def main() -> None:
    cli(prog_name="graphkb")


if __name__ == "__main__":
    main()
