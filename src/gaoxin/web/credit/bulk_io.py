"""The credit app's tables in and out of xlsx/CSV. Nothing is imported into credit (scores are computed
from the register, model files are uploaded one by one on the Models page). The exports — a run's
scores (``services.run_export``, ``xlsx_bytes``, ``csv_bytes``), the ranking (``ranking_export``) and a
published list (``list_export``) — are still in ``services``; they move here when that module is next
split."""
