"""The web page for the organization department (issue 12): `scorecard serve`.

    from engine.web.app import WebConfig, create_app
"""
