package dev.sessionpp.peer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Every response carries X-Served-By, as sessiond's do. */
@Component
public class ServedByFilter extends OncePerRequestFilter {
  private final String node = "spring-" + ProcessHandle.current().pid();

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("X-Served-By", node);
    chain.doFilter(request, response);
  }
}
