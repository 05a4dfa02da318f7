"""The domain battery's parts: each domain's cases (declared and derived), the walkers a probe
call runs, the stored answers, the judges of a case's result and the contract grid."""
