"""A bench's database, prepared alike by every bench. Imported from the bench's own directory
(``from fresh import prepare``), so it is this checkout's; the code it calls is that of the checkout
measured (``--root``), imported when it runs."""


def prepare(themes: bool = True) -> None:
    """What every bench's database starts from: the head revision of the measured code, the
    sample municipality's boundaries (unless some are there already) and, with ``themes``, the
    demo's themes; committed. Call inside the app's context."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    try:
        from maps.boundaries import import_boundaries
    except ImportError:  # a checkout from before maps/boundaries.py
        from maps.services import import_boundaries
    from maps.sample_geography import all_levels
    from platform_core import transaction
    from platform_core.extensions import db
    from schatkaart.demo import seed_themes

    upgrade()
    if not db.session.execute(text("SELECT count(*) FROM area")).scalar():
        for level, data in all_levels().items():
            import_boundaries(data, level)
    if themes:
        seed_themes()
    transaction.commit()
