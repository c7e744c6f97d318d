package dev.sessionpp.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Boot + Spring Session Data Redis peer of sessiond, for bench/http/run. */
@SpringBootApplication
public class PeerApplication {
  public static void main(String[] args) {
    SpringApplication.run(PeerApplication.class, args);
  }
}
