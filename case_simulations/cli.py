"""`flask case-simulations check|play`: validate scenarios and walk one in the terminal."""

import click
from flask.cli import AppGroup

from app.content import ContentErrors
from app.i18n import _, ngettext
from case_simulations import engine
from case_simulations.content_source import load

case_simulations_cli = AppGroup(
    "case-simulations", help="Case-documentation simulations: check and play scenarios."
)


@case_simulations_cli.command("check")
@click.argument("slug", required=False)
def check_command(slug: str | None):
    """Validate every scenario (or one): format, graph, best path, answer key, walkthroughs."""
    try:
        analysed = load(slug)
    except ContentErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            ngettext("%(num)d problem found.", "%(num)d problems found.", len(exc.errors))
        ) from exc
    if slug and not analysed:
        raise click.ClickException(_("No scenario '%(slug)s'.", slug=slug))
    for doc, analysis in analysed:
        scenario = engine.Scenario(doc.data_es)
        click.echo(
            _(
                "%(slug)s: %(nodes)d nodes, %(facts)d facts, best path %(points)s points in "
                "%(steps)d choices",
                slug=doc.slug,
                nodes=len(scenario.nodes),
                facts=len(scenario.facts),
                points=analysis.max_points,
                steps=len(analysis.best_path),
            )
        )
    click.echo(_("All scenarios are valid."))


@case_simulations_cli.command("play")
@click.argument("slug")
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", help="Text language.")
@click.option("--choices", help="Comma-separated choice ids to play without asking.")
def play_command(slug: str, lang: str, choices: str | None):
    """Walk a scenario in the terminal, as a learner would, for authors."""
    try:
        analysed = load(slug)
    except ContentErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(_("Fix the scenario first.")) from exc
    if not analysed:
        raise click.ClickException(_("No scenario '%(slug)s'.", slug=slug))
    doc, analysis = analysed[0]
    rules = engine.Scenario(doc.data_es)
    texts = engine.Scenario(doc.data_en if lang == "en" and doc.data_en else doc.data_es)
    scripted = [c.strip() for c in choices.split(",")] if choices else None
    state = engine.start(rules)
    click.echo(click.style(texts.data["title"], bold=True))
    click.echo(texts.data["briefing"])
    shown: set[str] = set()
    while True:
        node = texts.nodes[state.node]
        _show_new_facts(texts, state, shown)
        if node["type"] in ("record", "end"):
            break
        click.echo("\n" + click.style(f"[{state.node}] {node['title']}", bold=True))
        click.echo(engine.node_text(texts, state))
        if node["type"] in engine.MOVE_NODES:
            state = engine.advance(rules, state)
            continue
        offered = engine.available_choices(rules, state)
        for number, choice in enumerate(offered, start=1):
            label = texts.choices[choice["id"]][1]["text"]
            click.echo(f"  {number}. {label}  ({choice['id']}, {choice['points']:+d})")
        if scripted is not None:
            if not scripted:
                raise click.ClickException(_("The scripted choices ran out."))
            picked = scripted.pop(0)
        else:
            number = click.prompt(_("Your choice"), type=click.IntRange(1, len(offered)))
            picked = offered[number - 1]["id"]
        try:
            state = engine.choose(rules, state, picked)
        except engine.InvalidMove as exc:
            raise click.ClickException(_("'%(id)s' is not offered here.", id=picked)) from exc
        click.echo(click.style("→ " + texts.choices[picked][1]["response"], italic=True))
    click.echo("\n" + _("Interview over: the case record comes next."))
    click.echo(
        _(
            "Points: %(points)s of %(max)s; facts revealed: %(got)d of %(all)d; gates: %(gates)s",
            points=state.points,
            max=analysis.max_points,
            got=len(state.revealed),
            all=len(rules.facts),
            gates=", ".join(g["gate"] for g in state.gates) or "-",
        )
    )


def _show_new_facts(texts: engine.Scenario, state: engine.State, shown: set[str]) -> None:
    for fact_id in state.revealed:
        if fact_id not in shown:
            shown.add(fact_id)
            click.echo(click.style(f"  + {fact_id}: {texts.facts[fact_id]['text']}", fg="green"))
