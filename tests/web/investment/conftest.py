"""Fixtures for the investment app: the web tests' ``platform`` plus the demo's chains and projects for
zone A (built by ``investment.demo.build``, seeded) and a small hand-made chain for zone B."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.conftest import Platform, platform  # noqa: F401

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def invest(platform):  # noqa: F811
    """Zone A with the demo's chains and 60 projects (as of TODAY); zone B with one chain, node and
    project of its own."""
    from gaoxin.web.investment.demo import build
    from gaoxin.web.investment.models import Chain, ChainNode, NodeFirm, Project

    counts = build(platform.zone_a, TODAY, user=platform.users["zone_admin"], projects=60)
    chain_b = Chain.objects.create(zone=platform.zone_b, name="乙区链", leader="乙链长")
    node_b = ChainNode.objects.create(chain=chain_b, name="乙区节点")
    NodeFirm.objects.create(node=node_b, enterprise=platform.other)
    project_b = Project.objects.create(
        zone=platform.zone_b,
        code="B0001",
        name="乙区项目",
        stage="signed",
        lead_on=dt.date(2026, 1, 5),
        signed_on=dt.date(2026, 3, 1),
    )
    platform.counts = counts
    platform.chain_b, platform.node_b, platform.project_b = chain_b, node_b, project_b
    return platform
