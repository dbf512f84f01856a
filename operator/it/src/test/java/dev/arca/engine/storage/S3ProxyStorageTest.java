package dev.arca.engine.storage;

import dev.arca.it.S3Servers;

/** The storage contract on S3Proxy, in-process. */
class S3ProxyStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return S3Servers.newStore(S3Servers.s3proxy());
  }
}
