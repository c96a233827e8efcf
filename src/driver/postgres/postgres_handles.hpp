// RAII over libpq's handles: every PGconn is finished and every PGresult cleared exactly once.
#pragma once

#include <libpq-fe.h>

#include <memory>

namespace nextorm::driver {

struct pg_conn_closer {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct pg_result_clearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
struct pg_conninfo_freer {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
struct pg_memory_freer {
  void operator()(void* memory) const noexcept { PQfreemem(memory); }
};
struct pg_cancel_freer {
  void operator()(PGcancel* cancel) const noexcept { PQfreeCancel(cancel); }
};

using pg_conn_handle = std::unique_ptr<PGconn, pg_conn_closer>;
using pg_result_handle = std::unique_ptr<PGresult, pg_result_clearer>;
using pg_conninfo_handle = std::unique_ptr<PQconninfoOption, pg_conninfo_freer>;
using pg_cancel_handle = std::unique_ptr<PGcancel, pg_cancel_freer>;

}  // namespace nextorm::driver
