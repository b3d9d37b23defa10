"""Innovation-credit scoring: indicator models, the engine and explanations (pure: no Django, no DB)."""

from gaoxin.scoring.engine import ScoreResult, score
from gaoxin.scoring.model import Fault, Model, ModelError, load_model, loads, shipped

__all__ = ["Fault", "Model", "ModelError", "ScoreResult", "load_model", "loads", "score", "shipped"]
