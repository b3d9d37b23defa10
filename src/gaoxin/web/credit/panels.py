"""The credit app's sections of the enterprise profile: none as a panel. The firm's score, its
explanation and the lists it is on are the profile's own core (``registry.services.pages.profile``
reads them through the scoping helper), because every profile has them."""
