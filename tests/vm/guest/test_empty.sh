# SPDX-License-Identifier: GPL-2.0
# The empty VM test: the guest boots, runs a test, and powers off. The
# runner prints how long that took.
. ./guest.sh
ktap_header
ktap_check "guest runs kernel $KREL" [ "$(uname -r)" = "$KREL" ]
ktap_finish
