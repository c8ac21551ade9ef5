"""The pure core: environment + decision -> changes, and deactivation restoring exactly."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from autovenv.hook import plan

ACT = plan.Activate(venv="/p/.venv", bin_dir="/p/.venv/bin", prompt="p")


def apply(env: dict[str, str], changes: list[plan.Change]) -> dict[str, str]:
    out = dict(env)
    for c in changes:
        if isinstance(c, plan.Set):
            out[c.name] = c.value
        elif isinstance(c, plan.Unset):
            out.pop(c.name, None)
    return out


def test_activation_matches_activate_script():
    env = {"PATH": "/usr/bin:/bin", "PYTHONHOME": "/odd"}
    after = apply(env, plan.changes(env, ACT))
    assert after["PATH"] == "/p/.venv/bin:/usr/bin:/bin"
    assert after["VIRTUAL_ENV"] == "/p/.venv"
    assert after["VIRTUAL_ENV_PROMPT"] == "p"
    assert "PYTHONHOME" not in after


def test_changes_are_ordered_and_rehash_follows_path_change():
    changes = plan.changes({"PATH": "/bin"}, ACT)
    names = [c.name for c in changes if isinstance(c, (plan.Set, plan.Unset))]
    assert names[:3] == ["PATH", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT"]
    assert isinstance(changes[-1], plan.Rehash)


def test_nothing_to_do_gives_no_changes():
    env = {"PATH": "/bin"}
    assert plan.changes(env, plan.Deactivate()) == []
    active = apply(env, plan.changes(env, ACT))
    assert plan.changes(active, ACT) == []


def test_user_path_edit_survives_and_only_our_entry_goes():
    env = {"PATH": "/usr/bin:/p/.venv/bin:/bin"}  # the user already had the entry once
    active = apply(env, plan.changes(env, ACT))
    active["PATH"] = "/mine:" + active["PATH"] + ":/late"
    after = apply(active, plan.changes(active, plan.Deactivate()))
    assert after["PATH"] == "/mine:/usr/bin:/p/.venv/bin:/bin:/late"


def test_switching_venvs_restores_the_original_values_later():
    env = {"PATH": "/bin", "VIRTUAL_ENV_PROMPT": "mine", "PYTHONHOME": "/h"}
    other = plan.Activate(venv="/q/.venv", bin_dir="/q/.venv/bin", prompt="q")
    a = apply(env, plan.changes(env, ACT))
    b = apply(a, plan.changes(a, other))
    assert b["PATH"] == "/q/.venv/bin:/bin" and b["VIRTUAL_ENV"] == "/q/.venv"
    assert apply(b, plan.changes(b, plan.Deactivate())) == env


def test_hand_activated_venv_is_left_alone():
    env = {"PATH": "/h/bin:/bin", "VIRTUAL_ENV": "/h", "VIRTUAL_ENV_PROMPT": "h"}
    assert plan.changes(env, ACT) == []


def test_stale_state_under_a_hand_activated_venv_is_cleaned_without_touching_it():
    env = {"PATH": "/bin"}
    ours = apply(env, plan.changes(env, ACT))
    # The user then sources another venv's activate script by hand.
    ours.update(VIRTUAL_ENV="/h", VIRTUAL_ENV_PROMPT="h", PATH="/h/bin:" + ours["PATH"])
    after = apply(ours, plan.changes(ours, ACT))
    assert after["VIRTUAL_ENV"] == "/h" and after["VIRTUAL_ENV_PROMPT"] == "h"
    assert after["PATH"] == "/h/bin:/bin"
    assert not any(k.startswith("AUTOVENV_") for k in after)


def test_empty_path_gets_no_stray_separator():
    env = {"PATH": ""}
    inside = apply(env, plan.changes(env, ACT))
    assert inside["PATH"] == "/p/.venv/bin"
    assert apply(inside, plan.changes(inside, plan.Deactivate())) == env


def test_garbage_state_does_not_crash_and_recovers():
    env = {"PATH": "/bin", "AUTOVENV_VENV": "/gone", "AUTOVENV_PATH_ENTRY": "/not/in/path",
           "AUTOVENV_OLD_PYTHONHOME": "garbage-without-sign"}
    after = apply(env, plan.changes(env, plan.Deactivate()))
    assert after == {"PATH": "/bin"}


def test_uv_project_environment_saved_and_restored():
    act = plan.Activate(venv="/p/venv", bin_dir="/p/venv/bin", prompt="p", uv_project_environment="/p/venv")
    env = {"PATH": "/bin"}
    a = apply(env, plan.changes(env, act))
    assert a["UV_PROJECT_ENVIRONMENT"] == "/p/venv"
    assert apply(a, plan.changes(a, plan.Deactivate())) == env


values = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30)
entry = values.filter(lambda s: s != "" and os.pathsep not in s)
path_entries = st.lists(entry, min_size=1, max_size=5)


@given(
    entries=path_entries,
    prompt=st.one_of(st.none(), values),
    home=st.one_of(st.none(), values),
    uv=st.one_of(st.none(), values),
    edits=st.lists(entry, max_size=3),
)
def test_activate_then_deactivate_restores_exactly(entries, prompt, home, uv, edits):
    env = {"PATH": os.pathsep.join(entries)}
    for name, value in (("VIRTUAL_ENV_PROMPT", prompt), ("PYTHONHOME", home), ("UV_PROJECT_ENVIRONMENT", uv)):
        if value is not None:
            env[name] = value
    act = plan.Activate(venv="/v", bin_dir="/v/bin", prompt="v", uv_project_environment="/v")
    inside = apply(env, plan.changes(env, act))
    inside["PATH"] = os.pathsep.join([*edits, inside["PATH"]])
    after = apply(inside, plan.changes(inside, plan.Deactivate()))
    expected = dict(env)
    expected["PATH"] = os.pathsep.join([*edits, *entries])
    assert after == expected
