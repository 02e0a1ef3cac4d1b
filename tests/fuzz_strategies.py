"""Hypothesis strategies for updates of every kind a bot can get, from a small cast of users,
groups and a channel, for the property-based test of the whole bot (test_fuzz.py).

An ``Act`` is one update to inject. Two families:

* ``invalid_acts``: input that must change nothing in the database: junk commands and
  arguments, commands for another bot, free text, non-text messages, edits of plain text,
  group and channel posts, forged button data. Some users only ever send one kind, so what the
  bot answers them can be checked per chat (``World.probe``).
* ``any_acts``: everything else as well, valid or not: /start (with a deep-link payload),
  /stop, /resume, known commands with random arguments, real buttons, blocks and unblocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from reminder_bot.callbacks import MAX_BYTES, CallbackDataError, decode
from reminder_bot.emulator import User
from reminder_bot.emulator.inject_kinds import CONTENT_KINDS

TEXT_LIMIT = 4096  # characters (UTF-16 units) in a Telegram message
# Commands that change the database whatever their argument: never in an "invalid" act.
MUTATING = ("start", "stop", "resume")
# Commands whose argument is parsed; a leading "¤" makes every argument invalid.
TAKES_ARGUMENT = (
    *("schedule", "timezone", "preset", "quiet", "pause", "language", "summary", "checkin"),
)
READ_ONLY = (
    *("help", "relief", "redflags", "settings", "forget", "language", "schedule", "export"),
    *("summary", "checkin", "stats"),
)
NON_TEXT = tuple(kind for kind in CONTENT_KINDS if kind != "location")


@dataclass(frozen=True)
class Act:
    """One update: ``kind`` says which emulator call makes it; ``who`` is the user (an index
    into ``World.users``), ``chat`` a group or channel id (None: the user's private chat)."""

    kind: str  # text, edit, content, press, channel, channel_edit, block, unblock
    who: int = 0
    chat: int | None = None
    text: str = ""
    data: str = ""
    message: int = 0  # the message a press is for


@dataclass(frozen=True)
class World:
    """The cast: ``users`` (sent /start before the fuzzing), ``strangers`` (never did) and the
    probes: users and a group that only ever get one kind of update, to check per chat."""

    users: tuple[User, ...]
    strangers: tuple[User, ...]
    groups: tuple[int, ...]
    quiet_group: int  # only hears commands for another bot and chatter
    channel: int
    delivery_ids: tuple[int, ...] = ()  # nudges sent to users, for forged presses
    probe: dict[str, int] = field(default_factory=dict)  # probe name -> index in users

    @property
    def everyone(self) -> tuple[User, ...]:
        return self.users + self.strangers


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` UTF-16 units, never in the middle of a surrogate pair."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[: -max(1, (len(text.encode("utf-16-le")) // 2 - limit) // 2)]
    return text


# Unicode of every class but surrogates (which no UTF-8 request can carry).
any_char = st.characters(exclude_categories=["Cs"])
short_text = st.text(any_char, min_size=1, max_size=60)
long_text = st.builds(
    lambda s, n: fit(s * n), st.text(any_char, min_size=1, max_size=8), st.integers(1, 5000)
)
texts = st.one_of(short_text, short_text, long_text).map(fit).filter(lambda t: t.strip() != "")
command_words = st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
other_bots = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{3,28}bot", fullmatch=True).filter(
    lambda name: name.lower() != "reminder_test_bot"
)


def command(word: str, args: str = "") -> str:
    return fit(f"/{word} {args}".strip())


def not_command(text: str) -> str:
    """Free text that Telegram does not start with a bot command."""
    return text if not text.lstrip().startswith("/") else "x" + text


junk_args = texts.map(lambda t: "¤" + t)
forged_data = st.text(any_char, min_size=1, max_size=MAX_BYTES).filter(
    lambda d: 1 <= len(d.encode()) <= MAX_BYTES and _undecodable(d)
)


def _undecodable(data: str) -> bool:
    try:
        decode(data)
    except CallbackDataError:
        return True
    return False


def _indices(world: World) -> st.SearchStrategy[int]:
    """A user who is none of the probes (a stranger now and then)."""
    taken = {world.probe[p] for p in world.probe}
    free = [i for i in range(len(world.everyone)) if i not in taken]
    return st.sampled_from(free)


def invalid_acts(world: World) -> st.SearchStrategy[Act]:
    """One update that must leave the database as it was."""
    who = _indices(world)
    probe = world.probe
    junk_command = st.builds(
        lambda w, word, a: Act("text", w, text=command(word, a)),
        who,
        st.sampled_from(TAKES_ARGUMENT),
        junk_args,
    )
    read_only = st.builds(
        lambda w, word: Act("text", w, text=f"/{word}"), who, st.sampled_from(READ_ONLY)
    )
    unknown = st.builds(
        lambda w, word, a: Act("text", w, text=command("x" + word, a)),
        who,
        command_words,
        st.one_of(st.just(""), texts),
    )
    other_bot = st.builds(
        lambda word, bot, a: Act("text", probe["other_bot"], text=command(f"{word}@{bot}", a)),
        st.sampled_from((*MUTATING, *READ_ONLY)),
        other_bots,
        st.one_of(st.just(""), texts),
    )
    chatter = st.builds(lambda w, t: Act("text", w, text=not_command(t)), who, texts)
    edit = st.builds(lambda w, t: Act("edit", w, text=not_command(t)), who, texts)
    non_text = st.builds(
        lambda kind, caption: Act("content", probe["non_text"], text=kind, data=caption),
        st.sampled_from(NON_TEXT),
        st.one_of(st.just(""), short_text),
    )
    location = st.builds(
        lambda w, lat, lon: Act("content", w, text="location", data=f"{lat} {lon}"),
        who,
        st.floats(-90, 90),
        st.floats(-180, 180),
    )
    return st.one_of(
        junk_command,
        read_only,
        unknown,
        other_bot,
        chatter,
        edit,
        non_text,
        location,
        group_acts(world),
        channel_acts(world),
        forged_presses(world, who),
    )


def group_acts(world: World) -> st.SearchStrategy[Act]:
    """Anyone writes in a group: commands (ours or another bot's), chatter, non-text."""
    anyone = st.integers(0, len(world.everyone) - 1)
    said = st.one_of(
        texts.map(not_command),
        st.builds(
            command, st.sampled_from((*MUTATING, *READ_ONLY)), st.one_of(st.just(""), texts)
        ),
    )
    for_others = st.builds(
        lambda word, bot: f"/{word}@{bot}", st.sampled_from((*MUTATING, *READ_ONLY)), other_bots
    )
    return st.one_of(
        st.builds(
            lambda w, g, t: Act("text", w, g, text=t), anyone, st.sampled_from(world.groups), said
        ),
        st.builds(
            lambda w, t: Act("text", w, world.quiet_group, text=t),
            anyone,
            st.one_of(for_others, texts.map(not_command)),
        ),
        st.builds(
            lambda w, g, kind: Act("content", w, g, text=kind),
            anyone,
            st.sampled_from((*world.groups, world.quiet_group)),
            st.sampled_from(NON_TEXT),
        ),
        st.builds(
            lambda w, g, d, m: Act("press", w, g, data=d, message=m),
            anyone,
            st.sampled_from(world.groups),
            st.one_of(forged_data, st.just("1:s:h"), st.just("1:f:yes")),
            st.integers(1, 40),
        ),
    )


def channel_acts(world: World) -> st.SearchStrategy[Act]:
    """A post in the channel, any text or content, or an edit of an earlier post."""
    return st.one_of(
        st.builds(lambda t: Act("channel", chat=world.channel, text=t), texts),
        st.builds(lambda k: Act("channel", chat=world.channel, data=k), st.sampled_from(NON_TEXT)),
        st.builds(lambda t: Act("channel_edit", chat=world.channel, text=t), texts),
    )


def forged_presses(world: World, who: st.SearchStrategy[int]) -> st.SearchStrategy[Act]:
    """Button data the bot never gave this user: junk, or another user's nudge."""
    datas = [forged_data]
    if world.delivery_ids:
        foreign = st.builds(
            lambda d, a: f"1:n:{d}:{a}",
            st.one_of(st.sampled_from(world.delivery_ids), st.integers(1, 2**63 - 1)),
            st.sampled_from(("done", "snooze", "skip")),
        )
        # A pain score for a nudge, or for a check-in never sent: refused, nothing stored.
        foreign_checkin = st.builds(
            lambda d, n: f"1:c:{d}:{n}",
            st.one_of(st.sampled_from(world.delivery_ids), st.integers(1, 2**63 - 1)),
            st.integers(0, 10),
        )
        datas += [foreign, foreign_checkin]
    return st.builds(
        lambda w, d, m: Act("press", w, data=d, message=m),
        who,
        st.one_of(*datas),
        st.integers(1, 300),
    )


def any_acts(world: World) -> st.SearchStrategy[Act]:
    """Any update at all, including the ones that rightly change the database."""
    who = _indices(world)
    any_command = st.builds(
        lambda w, word, a: Act("text", w, text=command(word, a)),
        who,
        st.sampled_from((*MUTATING, *READ_ONLY, *TAKES_ARGUMENT)),
        st.one_of(st.just(""), texts, st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)),
    )
    real_button = st.builds(
        lambda w, n: Act("press", w, data="*real*", message=n), who, st.integers(0, 99)
    )
    valid_data = st.builds(
        lambda w, d, m: Act("press", w, data=d, message=m),
        who,
        st.sampled_from(
            (
                *("1:tz:Asia/Tokyo", "1:p:gentle", "1:m:timezone", "1:s:h", "1:f:no", "1:l:es"),
                *("1:st:14", "1:st:30", "1:g:yes", "1:g:no", "1:g:resume"),
            )
        ),
        st.integers(1, 300),
    )
    blocks = st.builds(lambda w, b: Act("block" if b else "unblock", w), who, st.booleans())
    return st.one_of(invalid_acts(world), any_command, real_button, valid_data, blocks)
