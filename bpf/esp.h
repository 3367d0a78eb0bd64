/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ESP in UDP as the device sends and receives it: RFC 4303 tunnel mode,
 * RFC 3948 UDP encapsulation, RFC 4106 AES-GCM with a 16-byte ICV.
 *
 *   Ethernet | IPv4 (20) | UDP (8) | SPI | seq | IV (8) | inner IPv4 packet
 *   | padding (0-3: 1, 2, 3) | pad length | next header (4) | ICV (16)
 *
 * The IV is the 64-bit sequence number, unique per SA as RFC 4106 requires.
 */
#ifndef NICSEC_ESP_H
#define NICSEC_ESP_H

struct esp_hdr {
	__be32 spi;
	__be32 seq;
	/* then the 8-byte explicit IV and the ciphertext */
};
_Static_assert(sizeof(struct esp_hdr) == 8, "ESP header is 8 bytes");

#define ESP_IV_LEN		8
#define ESP_ICV_LEN		16
#define ESP_TRAILER_LEN		2	/* pad length, next header */
#define ESP_NEXTHDR_IPV4	4	/* IP-in-IP: tunnel mode, RFC 4303 2.6 */
/* outer IPv4 + UDP + ESP header + IV */
#define ESP_ENCAP_HDR_LEN	(20 + 8 + 8 + ESP_IV_LEN)
/* offset of the ESP header in an outbound frame */
#define ESP_OUT_OFF		(14 + 20 + 8)

/* Padding that makes payload + trailer a multiple of 4 (RFC 4303 2.4). */
static __always_inline __u32 esp_pad_len(__u32 inner_len)
{
	return (4 - ((inner_len + ESP_TRAILER_LEN) & 3)) & 3;
}

/* Largest inner packet that still fits the wire MTU once encapsulated. */
static __always_inline __u32 esp_inner_mtu(__u32 wire_mtu)
{
	__u32 room = wire_mtu - ESP_ENCAP_HDR_LEN - ESP_ICV_LEN;

	return (room & ~3u) - ESP_TRAILER_LEN;
}

#endif /* NICSEC_ESP_H */
