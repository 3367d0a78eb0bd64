# SPDX-License-Identifier: GPL-2.0
# KTAP/TAP 13 output for nicsec's shell tests (host and VM guest; POSIX sh
# plus `local`, so busybox ash runs it too). Results are numbered as they
# come and the plan is printed at the end, which TAP 13 allows:
#	ktap_header; ktap_ok "name"; ktap_skip "name" "missing X"; ktap_finish
# ktap_finish exits 0 if nothing failed, else 1.

KTAP_N=0
KTAP_FAILED=0
# KTAP_ELAPSED=1: after each result, a diagnostic with the seconds since the
# previous one (the VM tests set it, to show where CI time goes)
KTAP_T0=$(date +%s)

ktap_elapsed()
{
	local now
	[ -n "${KTAP_ELAPSED:-}" ] || return 0
	now=$(date +%s)
	echo "# ($((now - KTAP_T0)) s)"
	KTAP_T0=$now
}

ktap_header()
{
	echo "TAP version 13"
}

ktap_ok()	# NAME
{
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N - $1"
	ktap_elapsed
}

ktap_fail()	# NAME [WHY]
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	echo "not ok $KTAP_N - $1"
	[ -z "${2:-}" ] || echo "# $2"
	ktap_elapsed
}

ktap_skip()	# NAME WHY (a real missing prerequisite)
{
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N - $1 # SKIP $2"
	ktap_elapsed
}

ktap_check()	# NAME CMD...: ok if CMD succeeds; its output becomes diagnostics
{
	local name=$1 _ktap_out _ktap_rc
	shift
	_ktap_out=$("$@" 2>&1)
	_ktap_rc=$?
	[ -z "$_ktap_out" ] || echo "$_ktap_out" | sed 's/^/# /'
	if [ $_ktap_rc -eq 0 ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "failed (exit $_ktap_rc): $*"
	fi
}

ktap_diag()
{
	echo "# $*"
}

# Run a program that prints TAP and make its results ours (renumbered,
# names prefixed). A program that dies early, or whose result count does
# not match its plan, adds a failure.
ktap_import()	# PREFIX CMD...
{
	local prefix=$1 tmp rc line plan=-1 seen=0 bad=0
	shift
	tmp=$(mktemp)
	"$@" > "$tmp" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			seen=$((seen + 1))
			KTAP_N=$((KTAP_N + 1))
			case $line in "not ok "*) KTAP_FAILED=$((KTAP_FAILED + 1)); bad=$((bad + 1));; esac
			# "ok 3 - name" -> "ok N - prefix: name"
			echo "$line" | sed -E "s/^(not )?ok [0-9]+( -)? ?/\1ok $KTAP_N - $prefix: /"
			;;
		1..*)	plan=${line#1..}; plan=${plan%% *} ;;
		"TAP version"*) ;;
		*)	echo "# $line" ;;
		esac
	done < "$tmp"
	rm -f "$tmp"
	if [ "$plan" -ge 0 ] && [ "$seen" -ne "$plan" ]; then
		ktap_fail "$prefix: planned $plan results, got $seen (exit $rc)"
	elif [ "$seen" -eq 0 ]; then
		ktap_fail "$prefix: no results (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		ktap_fail "$prefix: exited $rc with no failed result"
	fi
}

ktap_finish()
{
	echo "1..$KTAP_N"
	[ "$KTAP_FAILED" -eq 0 ]
	exit $?
}
