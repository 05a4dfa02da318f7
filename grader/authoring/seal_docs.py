"""docs/sandbox.md's policy tables, written from the seal's declaration
(:mod:`grader.sandboxed.policy`): the calls each seccomp filter allows or refuses and the
arguments it checks, the mounts, the namespaces, the environment and the limits (drawn into the
page by ``python -m grader.keys_docs``).
"""

from __future__ import annotations

from grader.base import defaults
from grader.sandboxed import policy


def _value(value: int) -> str:
    return "its own pid" if value == policy.PID else str(value) if value < 0x1000 else hex(value)


def _condition(arg: policy.Arg) -> str:
    if arg.bit:
        return f"arg {arg.index} has {_value(arg.values[0])} set"
    return f"arg {arg.index} ∈ {{{', '.join(map(_value, arg.values))}}}"


def _verdict(verdict: str) -> str:
    return "allowed" if verdict == policy.ALLOW else verdict


def filter_table(filter_: policy.Filter) -> list[str]:
    """One filter: a row per rule, then what a call no rule names gets."""
    lines = [
        f"**`{filter_.name}`**: {filter_.why}.",
        "",
        "| calls | verdict | when | otherwise | why |",
        "|---|---|---|---|---|",
    ]
    for rule in filter_.rules:
        when = " and ".join(map(_condition, rule.args)) or "always"
        otherwise = _verdict(rule.otherwise) if rule.otherwise else ""
        if rule.gpu:
            otherwise += f" (a GPU worker: {_verdict(rule.gpu)}, any argument)"
        names = ", ".join(f"`{name}`" for name in rule.calls)
        lines.append(f"| {names} | {_verdict(rule.verdict)} | {when} | {otherwise.strip()} | {rule.why} |")
    lines.append(f"| any other call | {_verdict(filter_.default)} | | | |")
    return lines


def mount_table() -> list[str]:
    lines = ["| bubblewrap | source | target | in | why |", "|---|---|---|---|---|"]
    for mount in policy.MOUNTS:
        extra = " ".join(
            [f"mode {mount.perms}"] * bool(mount.perms) + [f"{mount.size >> 20} MiB"] * bool(mount.size)
        )
        kind = f"`--{mount.kind}`" + (f" ({extra})" if extra else "")
        source = f"`{mount.source}`" if mount.source else ""
        lines.append(f"| {kind} | {source} | `{mount.target}` | {mount.who} | {mount.why} |")
    return lines


def process_lines() -> list[str]:
    namespaces = ", ".join(f"`{n}`" for n in policy.NAMESPACES)
    env = ", ".join(f"`{name}={value}`" for name, value in policy.ENV)
    limits = ", ".join(
        f"`{limit.rlimit}` = `--{limit.option.replace('_', '-')}` (`defaults.{limit.default}`: "
        f"{getattr(defaults, limit.default)}{' MiB' if limit.shift == 20 else ''}"
        f"{'; unprivileged workers only' if limit.unprivileged else ''})"
        for limit in policy.LIMITS
    )
    return [
        f"- namespaces: {namespaces} (and `user` where bubblewrap runs unprivileged)",
        f"- the process: {', '.join(f'`--{flag}`' for flag in policy.PROCESS)}, "
        f"working directory `{policy.WORKDIR}`; as root: `{' '.join(policy.DROP_TO_NOBODY)}`",
        f"- the environment: {env}",
        f"- limits: {limits}, `{policy.NO_CORE}` = 0",
    ]


def table() -> str:
    lines: list[str] = []
    for filter_ in policy.FILTERS:
        lines += [*filter_table(filter_), ""]
    return "\n".join([*lines, *mount_table(), "", *process_lines()])
