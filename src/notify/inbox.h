// A person's in-app inbox (docs/notifications.md): the items sent to them
// and to the roles they hold, read from the store's inbox read model, and
// marking them read with notification_read events.
#ifndef LIVESOP_NOTIFY_INBOX_H_
#define LIVESOP_NOTIFY_INBOX_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::notify {

// The items of `person` and of their roles, by campaign, newest first in
// each. NotFound, with a suggestion, for a person the SOP does not have.
Result<std::map<std::string, std::vector<store::InboxItem>>> InboxOf(
    store::Store& store, const sop::Definition& sop, const std::string& person,
    bool unread_only);

// Marks `items` of `person`'s inbox read (all of them when `items` is
// empty): one append per campaign, with the campaign's version (retried
// when another command moved it), so a campaign's items are read at once or
// not at all. Items already read are left as they are. Returns how many
// were marked. NotFound for an id that is not the person's.
Result<int64_t> MarkRead(store::Store& store, const sop::Definition& sop,
                         const std::string& person,
                         const std::vector<std::string>& items, int64_t now_us);

}  // namespace livesop::notify

#endif  // LIVESOP_NOTIFY_INBOX_H_
