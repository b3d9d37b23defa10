"""The policy app: the policy engine (惠企政策 免申即享): policies as data, matching, 公示, confirmations, payments."""
