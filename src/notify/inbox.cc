#include "notify/inbox.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "core/text.h"

namespace livesop::notify {
namespace {

Result<const sop::Person*> FindPerson(const sop::Definition& sop,
                                      const std::string& person) {
  if (const sop::Person* found = sop.FindPerson(person); found != nullptr) {
    return found;
  }
  std::vector<std::string> ids;
  for (const sop::Person& p : sop.people) ids.push_back(p.id);
  const std::string hint = ClosestMatch(person, ids);
  return NotFoundError("\"" + person + "\" is not a person of the SOP" +
                       (hint.empty() ? "" : "; did you mean " + hint + "?"));
}

// Every item sent to `person` or to a role they hold, by id.
Result<std::map<std::string, store::InboxItem>> ItemsOf(
    store::Store& store, const sop::Person& person, bool unread_only) {
  std::vector<std::string> names = {person.id};
  names.insert(names.end(), person.roles.begin(), person.roles.end());
  std::map<std::string, store::InboxItem> out;
  for (const std::string& name : names) {
    store::InboxQuery query;
    query.recipient = name;
    query.unread_only = unread_only;
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::InboxItem> items,
                             store.Inbox(query));
    for (store::InboxItem& item : items) {
      std::string id = item.id;
      out.emplace(std::move(id), std::move(item));
    }
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::vector<store::InboxItem>>> InboxOf(
    store::Store& store, const sop::Definition& sop, const std::string& person,
    bool unread_only) {
  LIVESOP_ASSIGN_OR_RETURN(const sop::Person* who, FindPerson(sop, person));
  LIVESOP_ASSIGN_OR_RETURN(auto items, ItemsOf(store, *who, unread_only));
  std::map<std::string, std::vector<store::InboxItem>> by_campaign;
  for (auto& [id, item] : items) {
    by_campaign[item.campaign].push_back(std::move(item));
  }
  for (auto& [campaign, list] : by_campaign) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.created_us > b.created_us;
    });
  }
  return by_campaign;
}

Result<int64_t> MarkRead(store::Store& store, const sop::Definition& sop,
                         const std::string& person,
                         const std::vector<std::string>& items,
                         int64_t now_us) {
  LIVESOP_ASSIGN_OR_RETURN(const sop::Person* who, FindPerson(sop, person));
  LIVESOP_ASSIGN_OR_RETURN(auto mine, ItemsOf(store, *who, false));
  std::vector<const store::InboxItem*> chosen;
  for (const std::string& id : items) {
    auto found = mine.find(id);
    if (found == mine.end()) {
      return NotFoundError("\"" + id + "\" is not an inbox item of " + person +
                           "; `livesop inbox " + person + "` lists them");
    }
    chosen.push_back(&found->second);
  }
  if (items.empty()) {
    for (const auto& [id, item] : mine) chosen.push_back(&item);
  }
  std::map<std::string, std::vector<const store::InboxItem*>> by_campaign;
  for (const store::InboxItem* item : chosen) {
    if (item->read_us == 0) by_campaign[item->campaign].push_back(item);
  }
  int64_t marked = 0;
  for (const auto& [campaign, list] : by_campaign) {
    Status appended;
    for (int attempt = 0; attempt < 3; ++attempt) {
      LIVESOP_ASSIGN_OR_RETURN(int64_t version,
                               store.CampaignVersion(campaign));
      store::AppendRequest request;
      request.campaign = campaign;
      request.expected_version = version;
      for (const store::InboxItem* item : list) {
        store::Event e;
        e.campaign = campaign;
        e.type = "notification_read";
        e.activity = "Notification read";
        e.time_us = now_us;
        e.resource = person;
        e.payload = nlohmann::json({{"item", item->id}}).dump();
        request.events.push_back(std::move(e));
      }
      appended = store.Append(request).status();
      if (appended.code() != StatusCode::kAborted) break;
    }
    LIVESOP_RETURN_IF_ERROR(appended);
    marked += static_cast<int64_t>(list.size());
  }
  return marked;
}

}  // namespace livesop::notify
