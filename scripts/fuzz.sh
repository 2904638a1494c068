#!/usr/bin/env bash
# Fuzz perfscore: build every cargo-fuzz target in fuzz/ and run each for N seconds.
#
#   scripts/fuzz.sh            # 60 s per target (8 targets: ~9 min with the build)
#   scripts/fuzz.sh 600        # longer runs
#   scripts/fuzz.sh 60 formula records_csv   # only these targets
#
# Needs a nightly Rust toolchain (libFuzzer instrumentation); exits 2 if there is none.
# Installs cargo-fuzz when missing. Seeds fuzz/corpus/<target>/ from tests/vectors (kept between
# runs; never committed). Crashes land in fuzz/artifacts/<target>/; reproduce one with
#   (cd fuzz && cargo +nightly fuzz run -s none -a -O <target> artifacts/<target>/<file>)
# and minimise it with `cargo +nightly fuzz tmin -s none -a -O <target> <file>`.
# Each target keeps fuzzing after a crash (libFuzzer fork mode), so all its crashes are collected.
# Exits 1 if any target wrote a new crash (an oracle violation is a crash; see fuzz/src/oracles.rs).
# The ordinary test suite never needs nightly: fuzz/ is its own workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]" >&2
    exit 2
fi

if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list | grep -q '^nightly'; then
    cat >&2 <<'EOF'
scripts/fuzz.sh: no nightly Rust toolchain found.
cargo-fuzz builds with libFuzzer instrumentation, which needs nightly. Install one with
    rustup toolchain install nightly
and run again. (The ordinary tests, including the boundary sweep
`cargo test -p perfscore --test sweep`, need only stable.)
EOF
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz (once; ~3 min)"
    cargo install cargo-fuzz
fi

echo "==> seeding fuzz/corpus from tests/vectors"
python3 fuzz/seed_corpus.py

cd fuzz
# -s none: the core is #![forbid(unsafe_code)], so no sanitizer is needed (and ASan would slow
# every run); -a: debug assertions (integer overflow checks) on; -O: optimised.
flags=(-s none -a -O)
echo "==> building every target"
cargo +nightly fuzz build "${flags[@]}"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

mkdir -p target/fuzz-logs
crashed=()
summary=()
for t in "${targets[@]}"; do
    echo "==> fuzzing $t for ${seconds}s"
    log="target/fuzz-logs/$t.log"
    mkdir -p "artifacts/$t"
    before=$(ls "artifacts/$t" | sort)
    # -fork=1 -ignore_crashes=1: keep fuzzing after a crash for the whole time, so one known
    # bug does not hide the next; every crashing input is still written to artifacts/<target>/.
    cargo +nightly fuzz run "${flags[@]}" "$t" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -dict=extremes.dict \
        >"$log" 2>&1 || true
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    new=$(comm -13 <(printf '%s\n' "$before") <(ls "artifacts/$t" | sort) | grep . || true)
    if [ -n "$new" ]; then
        crashed+=("$t")
        summary+=("$(printf '%-14s CRASH  %s executions; new in fuzz/artifacts/%s/: %s' \
            "$t" "${execs:-?}" "$t" "$(echo $new)")")
        # Fork mode keeps each crash's message in a temporary log; replay each new input for it.
        for f in $new; do
            echo "--- $t: fuzz/artifacts/$t/$f" >&2
            cargo +nightly fuzz run "${flags[@]}" "$t" "artifacts/$t/$f" 2>&1 |
                grep -m1 -A1 'panicked at' | cut -c1-600 >&2 || true
        done
    elif ! grep -q 'INFO: exiting: 0\|Done [0-9]* runs' "$log"; then
        crashed+=("$t")
        summary+=("$(printf '%-14s FAILED to run (see fuzz/%s)' "$t" "$log")")
        tail -20 "$log" >&2
    else
        summary+=("$(printf '%-14s ok     %s executions' "$t" "${execs:-?}")")
    fi
done

echo
echo "==> summary (${seconds}s per target; logs in fuzz/target/fuzz-logs/)"
printf '%s\n' "${summary[@]}"
if [ "${#crashed[@]}" -gt 0 ]; then
    echo "crashed: ${crashed[*]}; inputs in fuzz/artifacts/<target>/" >&2
    exit 1
fi
