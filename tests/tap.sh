# SPDX-License-Identifier: GPL-3.0-or-later
# tap.sh: TAP helpers shared by the shell tests; source it after setting $tmp.
# Each helper prints one "ok N - ..." or "not ok N - ..." line; the caller prints the
# plan ("1..$n_run") at the end and exits non-zero when $n_failed > 0.

n_failed=0
n_run=0

pass () {
  n_run=$((n_run + 1))
  echo "ok $n_run - $1"
}

fail () {
  n_run=$((n_run + 1))
  n_failed=$((n_failed + 1))
  echo "not ok $n_run - $1"
  if [ -s "$tmp/stderr" ]; then
    sed 's/^/# stderr: /' "$tmp/stderr"
  fi
}

# run_to FILE EXPECTED-STATUS DESCRIPTION COMMAND...: stdout to FILE, stderr in
# $tmp/stderr
run_to () {
  out=$1
  expected=$2
  description=$3
  shift 3
  status=0
  "$@" >"$out" 2>"$tmp/stderr" </dev/null || status=$?
  if [ "$status" -eq "$expected" ]; then
    pass "$description"
  else
    fail "$description (exit $status, expected $expected)"
  fi
}

# run EXPECTED-STATUS DESCRIPTION COMMAND...: stdout in $tmp/stdout, stderr in $tmp/stderr
run () {
  run_to "$tmp/stdout" "$@"
}

# not_grep ARGS...: true when grep finds nothing (for check).
# shellcheck disable=SC2317 # called through check
not_grep () {
  ! grep "$@"
}

# run_with_input INPUT EXPECTED-STATUS DESCRIPTION COMMAND...
run_with_input () {
  input=$1
  shift
  expected=$1
  description=$2
  shift 2
  status=0
  printf '%s\n' "$input" | "$@" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  if [ "$status" -eq "$expected" ]; then
    pass "$description"
  else
    fail "$description (exit $status, expected $expected)"
  fi
}

check () {
  description=$1
  shift
  if "$@"; then
    pass "$description"
  else
    fail "$description"
  fi
}
