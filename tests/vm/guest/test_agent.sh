#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nicsec-agent against strongSwan (tests/net/test_agent.sh) in the 6.12 VM
# with the kmod engine: both roles, two proposals, a CHILD_SA rekey under
# traffic, expiry and refusals. No tshark or python3 in the guest: those
# checks run on the host only and are skipped here (AGENT_TEST_QUICK also
# trims the matrix and the rekey cases for the emulated CPU).
export PATH=/nicsec/bin:$PATH
. ./guest.sh
for m in veth bridge tun; do
	guest_modprobe $m || exit 1
done
guest_load_gcm || exit 1
insmod /nicsec/nicsec.ko || exit 1
TB_BIN=/nicsec/bin TB_ENGINE=kmod AGENT_TEST_QUICK=1 bash ./net_test_agent.sh
rc=$?
guest_rmmod_nicsec || rc=1
guest_dmesg_clean || rc=1
exit $rc
