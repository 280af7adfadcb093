"""The committees' open data as OParl 1.1 (https://oparl.org): a read-only JSON API at ``/oparl/v1/``.

``selectors`` reads what is public, ``serializers`` writes the OParl objects, ``views`` answers (lists with pages
and filters, conditional GET, open CORS), ``files`` renders the public agenda and minutes, ``urls`` routes.
"""
