"""The finance app's tables in and out of xlsx: nothing is imported in bulk (products, applications
and loans are entered one by one, each decision audited). The one export — a product's eligible
firms (``views.product_export``) — is built by ``services.eligible_xlsx``."""
