# SPDX-License-Identifier: GPL-2.0
# nicsec.ko's KUnit suites in the 6.12 VM: load the GCM modules, nicsec.ko,
# our out-of-tree kunit.ko and nicsec_kunit.ko (whose init runs the suites),
# then turn each suite's KTAP from /sys/kernel/debug/kunit/<suite>/results
# into top-level results of this script, one per KUnit test case (so the
# test runner counts them one by one), and unload everything, leaving a
# clean kernel log that holds no test key.
. ./guest.sh
ktap_header

EXTRA=/nicsec/extra
KUNIT_DEBUGFS=/sys/kernel/debug/kunit

# One suite's KUnit test cases, from its debugfs results, as plain TAP.
# KUnit nests them one level (4 spaces) under the suite; deeper lines
# (parameters, diagnostics) stay diagnostics. A suite that reports fewer
# cases than it planned, or fails outside its cases, adds a failure.
kunit_flatten()	# SUITE
{
	local f=$KUNIT_DEBUGFS/$1/results
	[ -r "$f" ] || { echo "no $f"; return 1; }
	echo "TAP version 13"
	awk -v suite="$1" '
	/^    1\.\.[0-9]+/ && plan == "" { plan = substr($1, 4) + 0; next }
	/^    (not )?ok [0-9]+ / {
		line = substr($0, 5)
		bad = line ~ /^not ok/
		sub(/^(not )?ok [0-9]+ /, "", line)
		n++
		failed += bad
		printf "%s %d - %s\n", bad ? "not ok" : "ok", n, line
		next
	}
	/^(not )?ok [0-9]+ / { suite_bad = $1 == "not"; next }
	/^1\.\./ || /^KTAP version/ { next }
	{ print }
	END {
		if (n != plan + 0) {
			n++
			printf "not ok %d - %d test cases planned, %d reported\n", n, plan, n - 1
		} else if (suite_bad && !failed) {
			n++
			printf "not ok %d - suite failed outside its test cases\n", n
		}
		printf "1..%d\n", n
	}' "$f"
}

# The suites' test keys, as text or as KUnit/hexdump bytes (see
# kmod/tests/aead_kunit.c): none may reach the kernel log.
guest_no_test_keys()
{
	! dmesg | grep -i -E 'feffe9928665731c|fe ff e9 92 86 65 73 1c|abbccddef0011223|ab bc cd de f0 01 12 23|4c80cdefbb5d10da|4c 80 cd ef bb 5d 10 da'
}

ktap_check "load gcm, ghash-generic, aesni-intel" guest_load_gcm
ktap_check "insmod nicsec.ko" insmod /nicsec/nicsec.ko
ktap_check "insmod kunit.ko" insmod $EXTRA/kunit.ko
ktap_check "insmod nicsec_kunit.ko (runs the suites)" insmod $EXTRA/nicsec_kunit.ko

suites=
for d in "$KUNIT_DEBUGFS"/nicsec_*; do
	[ -d "$d" ] && suites="$suites ${d##*/}"
done
if [ -z "$suites" ]; then
	ktap_fail "KUnit suites of nicsec_kunit.ko" "no $KUNIT_DEBUGFS/nicsec_*"
	dmesg | grep -A 20 -E 'KTAP|kunit' | sed 's/^/# /'
fi
for s in $suites; do
	ktap_import "kunit $s" kunit_flatten "$s"
done

ktap_check "rmmod nicsec_kunit" rmmod nicsec_kunit
ktap_check "no KUnit results left in debugfs" \
	sh -c "! ls -d $KUNIT_DEBUGFS/nicsec_* 2>/dev/null"
ktap_check "rmmod kunit" rmmod kunit
ktap_check "rmmod nicsec" guest_rmmod_nicsec
ktap_check "no module left" \
	sh -c '! grep -q -E "^(nicsec|nicsec_kunit|kunit) " /proc/modules'
ktap_check "kernel log holds no test key" guest_no_test_keys
ktap_check "kernel log has no warnings" guest_dmesg_clean
ktap_finish
