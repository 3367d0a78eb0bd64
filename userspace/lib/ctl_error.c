// SPDX-License-Identifier: GPL-2.0
/*
 * Messages a person understands for the control library's results: the
 * device's status codes (positive), the agent side's local errors (negative
 * errno, with the ones the channel produces explained in its terms).
 */
#include <errno.h>
#include <string.h>
#include "ctl_codec.h"

static const char *const status_text[NICSEC_CTL_STATUS_MAX] = {
	[NICSEC_CTL_OK]			= "success",
	[NICSEC_CTL_E_MALFORMED]	= "malformed control message (framing, padding or magic)",
	[NICSEC_CTL_E_VERSION]		= "control protocol version not supported by the device",
	[NICSEC_CTL_E_TYPE]		= "unknown control message type",
	[NICSEC_CTL_E_FLAGS]		= "unknown flags in the control message header",
	[NICSEC_CTL_E_TLV_UNKNOWN]	= "unknown attribute (TLV) in the control message",
	[NICSEC_CTL_E_TLV_LEN]		= "attribute (TLV) with a wrong length",
	[NICSEC_CTL_E_TLV_DUP]		= "attribute (TLV) given twice",
	[NICSEC_CTL_E_TLV_MISSING]	= "required attribute (TLV) missing",
	[NICSEC_CTL_E_TLV_UNEXPECTED]	= "attribute (TLV) not allowed in this message type",
	[NICSEC_CTL_E_VALUE]		= "attribute value out of range (direction, algorithm, SPI, address...)",
	[NICSEC_CTL_E_TOO_BIG]		= "control message too large or with too many attributes",
	[NICSEC_CTL_E_AUTH]		= "message failed authentication (wrong enrollment key or tampered)",
	[NICSEC_CTL_E_REPLAY]		= "replayed or too old message counter",
	[NICSEC_CTL_E_NO_SA]		= "no such SA on the device",
	[NICSEC_CTL_E_EXISTS]		= "an inbound SA with this SPI is already installed for that address",
	[NICSEC_CTL_E_NO_SPACE]		= "device is out of room (SA table, the tenant's quota or the sender table full)",
	[NICSEC_CTL_E_DEVICE]		= "the device failed to apply the request (engine or tables)",
	[NICSEC_CTL_E_SENDER]		= "sender id 0 is reserved for the device",
	[NICSEC_CTL_E_DENIED]		= "a local address of the SA is not the tenant's",
};

const char *nicsec_ctl_strerror(int err)
{
	if (err >= 0)
		return err < NICSEC_CTL_STATUS_MAX ? status_text[err] :
		       "unknown status code from the device";
	switch (-err) {
	case ETIMEDOUT:
		return "no completion status from the device: timed out after every retransmission";
	case EKEYREJECTED:
		return "enrollment key must be exactly 32 bytes (64 hex digits)";
	case EEXIST:
		return "key file exists; refusing to overwrite it";
	case EPERM:
		return "key file is accessible by group or others; it must be mode 0600";
	case EMSGSIZE:
		return "control message does not fit in a datagram";
	case EINVAL:
		return "invalid argument (a field the protocol cannot carry)";
	}
	return strerror(-err);
}
