#include "store/store.h"

#include "store/internal/postgres_store.h"
#include "store/internal/sqlite_store.h"

namespace livesop::store {

int CurrentSchemaVersion() { return internal::SqliteSchemaVersion(); }

Result<std::unique_ptr<Store>> OpenStore(const std::string& url,
                                         const OpenOptions& options) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return internal::OpenPostgresStore(url, options);
  }
  if (url.starts_with("sqlite:")) {
    return internal::OpenSqliteStore(url.substr(7), options);
  }
  const size_t colon = url.find("://");
  if (colon != std::string::npos) {
    return InvalidArgumentError("unknown database URL scheme in \"" +
                                url.substr(0, colon + 3) +
                                "\"; use a file path, sqlite:PATH or "
                                "postgresql://…");
  }
  return internal::OpenSqliteStore(url, options);
}

}  // namespace livesop::store
