package dev.arca.engine.storage;

class MemoryStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return new MemoryStorage();
  }
}
