// The connectors livesop has, each defined in its own file; connector.cc
// registers them by name.
#ifndef LIVESOP_CONNECT_INTERNAL_CONNECTORS_H_
#define LIVESOP_CONNECT_INTERNAL_CONNECTORS_H_

#include "connect/connector.h"

namespace livesop::connect::internal {

const Connector& EmailConnector();     // email.cc
const Connector& SheetConnector();     // sheet.cc
const Connector& SlackConnector();     // slack.cc
const Connector& WebhookConnector();   // webhook.cc
const Connector& WhatsAppConnector();  // whatsapp.cc

}  // namespace livesop::connect::internal

#endif  // LIVESOP_CONNECT_INTERNAL_CONNECTORS_H_
