// The PostgreSQL backend of store.h; use OpenStore() instead of this.
#ifndef LIVESOP_STORE_INTERNAL_POSTGRES_STORE_H_
#define LIVESOP_STORE_INTERNAL_POSTGRES_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

namespace livesop::store::internal {

// Connects to `url` (a libpq URI, postgresql://user:password@host:port/db,
// or a key=value conninfo string) and applies pending migrations under an
// advisory lock, so several processes may open the same database at once.
// Without connect_timeout in the URL, connecting gives up after 10 s.
// Errors: Unavailable when the server cannot be reached; PermissionDenied
// when it rejects the credentials; FailedPrecondition when the schema is
// newer than this program (nothing is changed) or, with read_only, when the
// database holds no livesop schema. Messages never contain the password.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const OpenOptions& options);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_POSTGRES_STORE_H_
