// The email channel: one message per notification over SMTP with libcurl, made by
// make_channel() for `type: email`. `url` is smtp://host[:port] or smtps://host[:port];
// `starttls: true` (the default) requires STARTTLS on smtp:// and fails the delivery when the
// server does not offer it; `starttls: false` on smtp:// sends in plain text, which is refused
// with a username unless the host is loopback. `username`/`password` authenticate (SASL as the
// server offers), `from` is the envelope and From: sender, `to` every recipient. The message is
// MIME multipart/alternative: a text/plain part and a text/html part (payloads.h email_content),
// with a Message-ID made from the delivery id, so a repeat is recognisable.
//
// The outcome's status is the SMTP reply code (250 when accepted); a 5xx reply is permanent, a
// 4xx retryable. A failure to connect, to complete TLS or in time is an Error.
//
// Thread contract: deliver() may be called from several threads at once; each uses its own curl
// handle.
#pragma once

#include <memory>

#include "alerts/channels/channel.h"

namespace freshwatch::alerts::channels {

Result<std::unique_ptr<Channel>> make_email_channel(const config::ChannelConfig& config,
                                                    ChannelOptions options);

}  // namespace freshwatch::alerts::channels
