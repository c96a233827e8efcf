// A module that exports the PostgreSQL provider's entry point but is not this build's PostgreSQL
// module: built twice, once with another ABI stamp and once naming another provider, so that
// provider_module_test can check that the loader refuses both (src/driver/provider_module.cpp).
// It links nothing, so that loading and unloading it loads no other library: the layout of
// driver::provider_module is written out here.
extern "C" {
struct fake_provider_module {
  const char* provider;
  const char* abi;
  void* open;
};
extern const fake_provider_module nextorm_provider_postgres;
const fake_provider_module nextorm_provider_postgres{FAKE_PROVIDER, FAKE_ABI, nullptr};
}
