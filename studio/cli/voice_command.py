"""``storyreel voice``: narrate lines, change a recording's voice, list voices, set a character's voice, check
that lines fit their shots, and store or forget the ElevenLabs key."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from engine.progress import Progress
from studio.project import ProjectDocument, Voice
from studio.project import commands as cmd
from studio.project.bounded_files import MAX_RECORDING_BYTES, checked_regular_file

from .common import UsageError, open_document, print_json, seconds
from .terminal_text import shown


def register(sub: argparse._SubParsersAction) -> None:
    voice = sub.add_parser(
        "voice", help="narrate lines (offline by default, or ElevenLabs), list and set voices",
        description="Without an action option, gives every line that needs audio a take in its speaker's voice.")
    voice.add_argument("path", nargs="?", help="the project bundle")
    voice.add_argument("--provider", choices=("espeak", "kokoro", "elevenlabs"),
                       help="espeak: an offline draft of every line; kokoro: the offline neural voice (once "
                            "downloaded: storyreel models download fastrtc/kokoro-onnx) for every line; "
                            "elevenlabs: only ElevenLabs voices, cast "
                            "from your library for characters still on offline voices (default: each character's "
                            "own voice)")
    voice.add_argument("--line", action="append", dest="lines", metavar="ID", help="narrate this line (repeatable)")
    voice.add_argument("--force", action="store_true", help="make new takes even where matching audio exists")
    voice.add_argument("--yes", "-y", action="store_true", help="send to ElevenLabs without asking")
    voice.add_argument("--base-url", help="ElevenLabs API address (a proxy); default $STORYREEL_ELEVENLABS_BASE_URL")
    action = voice.add_mutually_exclusive_group()
    action.add_argument("--convert", nargs=2, metavar=("LINE_ID", "RECORDING"),
                        help="change a recording of the line into its speaker's voice (ElevenLabs voice changer)")
    action.add_argument("--list-voices", action="store_true", help="list the voices of --provider (default espeak)")
    action.add_argument("--set-voice", nargs=2, metavar=("CHARACTER", "PROVIDER:VOICE_ID"),
                        help="give a character a voice, e.g. Mara espeak:en-us+f2 or Mara elevenlabs:VOICE_ID")
    action.add_argument("--fit", action="store_true", help="check that each shot is long enough for its lines")
    action.add_argument("--store-key", action="store_true",
                        help="store an ElevenLabs API key in the OS keyring (read from the terminal or stdin)")
    action.add_argument("--forget-key", action="store_true", help="remove the stored ElevenLabs key")
    voice.add_argument("--search", help="with --list-voices: only voices whose name contains TEXT")
    voice.add_argument("--page", metavar="TOKEN", help="with --list-voices: the page token a previous listing printed")
    voice.add_argument("--page-size", type=int, default=50, metavar="N")
    voice.add_argument("--model", help="with --set-voice: the provider's model id (ElevenLabs); with --provider "
                                        "elevenlabs: the model of the voices it casts (eleven_v3 acts on "
                                        "(whispering) and other directions)")
    voice.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                       help="with --set-voice: a voice setting, e.g. rate=150, pitch=60, stability=0.4 (repeatable)")
    voice.add_argument("--apply", action="store_true", help="with --fit: lengthen the shots as proposed")
    voice.add_argument("--json", action="store_true", help="machine-readable output")
    voice.set_defaults(func=voice_command)


def voice_command(args: argparse.Namespace) -> int:
    if args.store_key:
        return _store_key()
    if args.forget_key:
        from studio.voice import clear_api_key

        print("the stored ElevenLabs key was removed" if clear_api_key() else "no ElevenLabs key was stored")
        return 0
    if args.list_voices:
        return _list_voices(args)
    if args.path is None:
        raise UsageError("give the project: storyreel voice PATH")
    document = open_document(args.path)
    if args.set_voice:
        return _set_voice(document, args)
    if args.fit:
        return _fit(document, args)
    try:
        return _convert(document, args) if args.convert else _narrate(document, args)
    finally:
        if document.dirty:  # audio made before a failure or a cancel is kept, and failures are recorded
            document.save()


def _provider_instance(name: str | None, args: argparse.Namespace) -> Any:
    from studio.voice import get_provider

    if name == "elevenlabs" and args.base_url:
        return get_provider("elevenlabs", base_url=args.base_url)
    return name


# --- narrating -------------------------------------------------------------------------------------------------

def _narrate(document: ProjectDocument, args: argparse.Namespace) -> int:
    from studio.voice import lines_needing_audio, narrate_lines, plan_narration

    provider = _provider_instance(args.provider, args)
    options = {"elevenlabs": {"base_url": args.base_url}} if args.base_url else None
    if not document.project.lines:
        print("no lines to narrate: add one with `storyreel line add PATH SHOT_ID --text ...`")
        return 0
    cast: dict[str, str] = {}
    if args.provider == "elevenlabs":
        cast = _cast_elevenlabs(document, args)
    line_ids = args.lines if args.lines else (None if args.force else lines_needing_audio(document, provider=provider))
    if line_ids == []:
        print(f"all {len(document.project.lines)} line(s) already have audio (use --force for new takes)")
        return 0
    plans = plan_narration(document, line_ids, provider=provider, force=args.force, provider_options=options)
    billed = [p for p in plans if p.action == "send" and p.billed_characters]
    if billed:
        characters = sum(p.billed_characters for p in billed)
        free = len(plans) - len(billed)
        print(f"ElevenLabs will bill {characters} character(s) for {len(billed)} line(s)"
              + (f"; {free} other line(s) cost nothing (cached, offline or unchanged)" if free else ""),
              file=sys.stderr)
        if not args.yes and sys.stdin.isatty():
            answer = input("Send them? [y/N] ").strip().casefold()
            if answer not in ("y", "yes"):
                print("nothing was sent", file=sys.stderr)
                return 1
    report = narrate_lines(document, line_ids, provider=provider, progress=_progress_bar(len(plans)),
                           force=args.force, provider_options=options)
    if args.json:
        print_json({"narrated": report.narrated, "reused": report.reused, "unchanged": report.unchanged,
                    "failed": report.failed, "not_attempted": report.not_attempted,
                    "voices_assigned": report.voices_assigned, "voices_cast": cast,
                    "characters_billed": report.characters_billed,
                    "audio_seconds": round(report.audio_seconds, 3),
                    "synthesis_seconds": round(report.synthesis_seconds, 3)})
    else:
        for name, voice_id in report.voices_assigned.items():
            print(f"{name} speaks with the offline voice {voice_id}")
        speed = (f", {report.synthesis_seconds:.2f} s to make {report.audio_seconds:.1f} s of audio"
                 if report.narrated else "")
        print(f"narrated {len(report.narrated)} line(s){speed}; reused {len(report.reused)}, "
              f"unchanged {len(report.unchanged)}"
              + (f"; {report.characters_billed} character(s) billed by ElevenLabs" if report.characters_billed else ""))
        for line_id, reason in report.failed.items():
            print(f"failed {line_id}: {shown(reason)}", file=sys.stderr)
        if report.not_attempted:
            print(f"stopped: {len(report.not_attempted)} line(s) left for later "
                  f"(run `storyreel voice {args.path}` again)", file=sys.stderr)
    return 0 if report.ok else 1


def _cast_elevenlabs(document: ProjectDocument, args: argparse.Namespace) -> dict[str, str]:
    """Library voices for the cast members still on offline voices; the mapping is printed (and saved with the
    project when the command ends)."""
    from studio.voice import get_provider
    from studio.voice.auto_cast import cast_voices

    provider = get_provider("elevenlabs", **({"base_url": args.base_url} if args.base_url else {}))
    casting = cast_voices(document, provider, line_ids=args.lines, model_id=args.model)
    for text in casting.report():
        print(shown(text), file=sys.stderr if args.json else sys.stdout)
    return {c.character_name: c.voice.voice_id for c in casting.choices}


def _progress_bar(total: int) -> Any:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="line", file=sys.stderr, disable=None, leave=False)

    def update(progress: Progress) -> None:
        bar.n = progress.done
        bar.set_description_str(shown(progress.message[:30] or progress.stage))
        bar.refresh()
        if progress.done >= progress.total:
            bar.close()

    return update


def _convert(document: ProjectDocument, args: argparse.Namespace) -> int:
    from studio.voice import convert_recording

    line_id, recording = args.convert
    checked_regular_file(recording, kind="recording", max_bytes=MAX_RECORDING_BYTES)  # no FIFO, no /dev/zero
    provider = _provider_instance(args.provider, args) if args.provider == "elevenlabs" else None
    take = convert_recording(document, line_id, Path(recording), provider=provider)
    print(f"{line_id}: new take {take.id} in {take.voice.provider}:{take.voice.voice_id} "
          f"({take.duration_seconds:.2f} s) -> {take.media}")
    return 0


# --- voices -------------------------------------------------------------------------------------------------

def _list_voices(args: argparse.Namespace) -> int:
    from studio.voice import get_provider

    name = args.provider or "espeak"
    provider = get_provider(name, base_url=args.base_url) if name == "elevenlabs" and args.base_url else get_provider(name)
    page = provider.list_voices(search=args.search, page_size=args.page_size, page_token=args.page)
    if args.json:
        print_json({"voices": [v.__dict__ for v in page.voices], "has_more": page.has_more,
                    "next_page_token": page.next_page_token, "total_count": page.total_count})
        return 0
    if not page.voices:
        print(f"no {name} voices" + (f" match {args.search!r}" if args.search else ""))
    for voice in page.voices:
        details = ", ".join(x for x in (voice.language, voice.gender, voice.category) if x)
        print(f"{name}:{voice.voice_id:<28} {voice.name}" + (f"  ({details})" if details else ""))
    if page.has_more:
        print(f"more: add --page {page.next_page_token}")
    return 0


def _parse_setting(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"a setting looks like NAME=VALUE (e.g. rate=150), got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw  # a plain word, e.g. output_format=wav_22050
    return name.strip(), value


def _set_voice(document: ProjectDocument, args: argparse.Namespace) -> int:
    who, spec = args.set_voice
    project = document.project
    character = project.character_by_name(who) or next((c for c in project.cast if c.id == who), None)
    if character is None:
        names = ", ".join(c.name for c in project.cast) or "nobody yet"
        raise UsageError(f"no character {who!r} in the cast ({names})")
    provider_name, sep, voice_id = spec.partition(":")
    if not sep or not voice_id.strip():
        raise UsageError(f"a voice looks like PROVIDER:VOICE_ID (e.g. espeak:en-us+f2), got {spec!r}")
    from studio.voice import PROVIDER_NAMES, get_provider

    if provider_name not in PROVIDER_NAMES:
        raise UsageError(f"unknown voice provider {provider_name!r}; one of {', '.join(PROVIDER_NAMES)}")
    voice = Voice(provider=provider_name, voice_id=voice_id.strip(), model_id=args.model,
                  settings=dict(_parse_setting(s) for s in args.setting))
    provider = get_provider(provider_name)
    provider.cache_identity(voice)  # checks the settings
    if provider_name == "espeak":
        import tempfile

        with tempfile.TemporaryDirectory() as folder:  # an unknown espeak voice fails here, not at narration
            provider.synthesize("test", voice, Path(folder) / "check.wav")
    document.execute(cmd.SetCharacterVoice(character.id, voice))
    document.save()
    stale = sum(1 for line in project.lines if character.id in cmd.speakers_of(project, line) and line.takes)
    print(f"{character.name} now speaks with {provider_name}:{voice.voice_id}"
          + (f"; {stale} line(s) need new audio (storyreel voice {args.path})" if stale else ""))
    return 0


# --- fitting lines to shots -------------------------------------------------------------------------------------

def _fit(document: ProjectDocument, args: argparse.Namespace) -> int:
    from studio.voice import fit_report, propose_extensions

    project = document.project
    report = fit_report(project)
    proposals = propose_extensions(project)
    if args.json:
        print_json({"shots": [{"shot_id": f.shot_id, "duration_frames": f.duration_frames,
                               "end_frame": f.end_frame, "fits": f.fits,
                               "lines": [line.__dict__ for line in f.lines]} for f in report],
                    "proposals": [p.__dict__ for p in proposals]})
    else:
        for fit in report:
            if not fit.lines:
                continue
            state = "fits" if fit.fits else f"runs {seconds(fit.overflow_frames, project.fps)} over"
            guessed = " (estimated: no audio yet)" if any(line.estimated for line in fit.lines) else ""
            overlap = [line.line_id for line in fit.lines if line.overlaps_previous]
            if overlap:
                guessed += f"; {', '.join(overlap)} start(s) before the previous line ends"
            print(f"{fit.shot_id}  {seconds(fit.duration_frames, project.fps):>7}  lines end at "
                  f"{seconds(fit.end_frame, project.fps)}: {state}{guessed}")
        for proposal in proposals:
            limit = " (the longest clip its model makes: split the shot)" if proposal.limited_by_model else ""
            print(f"propose {proposal.shot_id}: {seconds(proposal.current_frames, project.fps)} -> "
                  f"{seconds(proposal.proposed_frames, project.fps)}{limit}")
    if args.apply and proposals:
        document.execute(cmd.Batch([p.command() for p in proposals], text="Lengthen shots to fit their lines"))
        document.save()
        print(f"lengthened {len(proposals)} shot(s)")
    return 0


def _store_key() -> int:
    from studio.voice import set_api_key

    key = getpass.getpass("ElevenLabs API key (not shown): ") if sys.stdin.isatty() else sys.stdin.readline()
    set_api_key(key)
    print("the ElevenLabs key is stored in the OS keyring")
    return 0
