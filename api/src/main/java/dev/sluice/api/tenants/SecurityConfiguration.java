package dev.sluice.api.tenants;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.api.tenantlimits.TenantLimitFilter;
import dev.sluice.api.tenantlimits.TenantRequestLimiter;
import dev.sluice.common.health.ReadinessAudience;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The api's one security chain: stateless bearer tokens, no sessions, no CSRF (nothing uses cookies), no login form.
 * {@code /v1/**} needs an API key, {@code /admin/**} the admin token, {@code GET /health} and {@code GET /ready} are
 * public, and everything else is refused. Spring Security's firewall refuses odd paths ({@code ;}, encoded slashes
 * and dots) before any of this. The tenant limit runs after authentication, on the path Spring MVC will match.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityProblems securityProblems(JsonMapper json) {
        return new SecurityProblems(json);
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, TenantRegistry tenants, TenantsProperties properties,
                                    AdminToken adminToken, MeterRegistry meters, SecurityProblems problems,
                                    TenantRequestLimiter limiter, JsonMapper json, Environment environment)
            throws Exception {
        boolean actuatorOnItsOwnPort = isSeparatePort(environment.getProperty("management.server.port"),
                environment.getProperty("server.port", "8080"));
        var apiKeys = new ApiKeyAuthenticator(tenants, properties, meters);
        var throttle = new FailedAuthThrottle(properties.authFailuresPerMinute(), Ticker.systemTicker());
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .addFilterBefore(new BearerTokenFilter(apiKeys, adminToken, throttle, problems),
                        AnonymousAuthenticationFilter.class)
                .addFilterAfter(new AdminBodyLimitFilter(problems), AuthorizationFilter.class)
                .addFilterAfter(new TenantLimitFilter(limiter, json), AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        // the request dispatch was authorized already; its async completion and error page follow it
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/health", "/ready").permitAll()
                        // the management port (MANAGEMENT_PORT) is internal; on SERVER_PORT the actuator is refused
                        .requestMatchers(EndpointRequest.toAnyEndpoint())
                        .access((authentication, context) -> new AuthorizationDecision(actuatorOnItsOwnPort))
                        .requestMatchers("/v1/**").hasRole(BearerTokenFilter.TENANT_ROLE)
                        .requestMatchers("/admin/**").hasRole(BearerTokenFilter.ADMIN_ROLE)
                        .anyRequest().denyAll());
        return http.build();
    }

    /**
     * Whether the actuator has a server of its own: a management port that is set, not -1 (off), and either 0 (a
     * free one) or not SERVER_PORT. When it shares SERVER_PORT, the chain refuses it like any unknown path.
     */
    static boolean isSeparatePort(String managementPort, String serverPort) {
        if (managementPort == null || managementPort.isBlank() || "-1".equals(managementPort.strip())) {
            return false;
        }
        return "0".equals(managementPort.strip()) || !managementPort.strip().equals(serverPort.strip());
    }

    /** {@code /ready} shows its checks and details only to a request that sent the admin token. */
    @Bean
    ReadinessAudience adminSeesReadinessDetail() {
        return () -> {
            var authentication = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
            return authentication != null && authentication.getAuthorities().stream()
                    .anyMatch(authority -> ("ROLE_" + BearerTokenFilter.ADMIN_ROLE).equals(authority.getAuthority()));
        };
    }
}
