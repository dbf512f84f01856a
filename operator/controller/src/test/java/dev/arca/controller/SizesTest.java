package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void bytesReadAsBinaryUnitsWithOneDecimal() {
    assertThat(Sizes.of(null)).isNull();
    assertThat(Sizes.of(0L)).isEqualTo("0 B");
    assertThat(Sizes.of(473L)).isEqualTo("473 B");
    assertThat(Sizes.of(1024L)).isEqualTo("1.0 KiB");
    assertThat(Sizes.of(29_375_914L)).isEqualTo("28.0 MiB");
    assertThat(Sizes.of(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(Sizes.of(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }
}
