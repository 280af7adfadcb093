"""Demo data and the factories the tests share: a development-only app, never part of the production image.

``manage.py seed_demo`` (``demo.management.commands.seed_demo``) fills the database through ``demo.seed``, which
calls the modules by domain in order: ``demo.actors``, ``demo.committees``, ``demo.fonds``, ``demo.isek``.
``demo.factories`` holds the factory_boy factories of the project's models. The app is installed only where the
package and factory_boy are importable (``QUARTIER_DEMO``, ``quartier/settings.py``); runtime code never imports it.
"""
