"""Static files storage for serving without DEBUG."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestOnceCollectedStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names once `collectstatic` has written its manifest; plain names before.

    The storage has to be chosen before `collectstatic` runs: choosing it by "does the manifest
    exist?" at settings time made the Procfile's collectstatic on a fresh server run with the
    plain storage, so no manifest was ever written and production served unhashed names with
    a short cache lifetime. Without a manifest (tests, a first `manage.py check`) the plain
    name is served from the source folders by WhiteNoise's finders.
    """

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
