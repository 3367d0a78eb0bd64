#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The control-channel test (tests/net/test_ctl.sh) in the 6.12 VM with the
# kmod engine: the same checks, with espgen as the ESP oracle (no tshark
# in the guest) and 200 installs through the 30% loss hop (emulated CPU).
export PATH=/nicsec/bin:$PATH
. ./guest.sh
for m in veth bridge gcm ghash-generic aesni-intel; do
	for ko in $(cat /lib/modules/load/$m); do
		n=$(basename $ko .ko | tr - _)
		grep -q "^$n " /proc/modules || insmod $ko || exit 1
	done
done
insmod /nicsec/nicsec.ko || exit 1
TB_BIN=/nicsec/bin CTL_INSTALLS=200 bash ./net_test_ctl.sh
rc=$?
guest_rmmod_nicsec || rc=1
exit $rc
