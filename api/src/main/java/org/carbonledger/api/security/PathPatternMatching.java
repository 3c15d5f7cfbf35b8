package org.carbonledger.api.security;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.ConstructorArgumentValues.ValueHolder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.PathPatternRequestMatcherBuilderFactoryBean;
import org.springframework.security.web.access.PathPatternRequestTransformer;

/**
 * Security matches requests by Spring MVC's path patterns, and no longer looks up each request's
 * handler ahead of the dispatcher.
 *
 * <p>Spring Security 6 matched a pattern through {@code MvcRequestMatcher}, which asks Spring MVC
 * which handler would serve the request. So that this lookup happens once per request instead of
 * once per matcher, Spring Security 6.5 puts a filter in front of its filter chain that looks up
 * the handler of every request and caches it ({@code HandlerMappingIntrospector}'s cache filter);
 * the dispatcher then looks it up again to serve the request. In the HTTP benchmark that filter
 * took about 6% of the request threads' CPU (docs/performance.md).
 *
 * <p>Spring Security 7 matches with {@code PathPatternRequestMatcher} instead, which parses the
 * path once and compares it with the same {@code PathPatternParser} that Spring MVC maps requests
 * with, and it drops the cache filter. Spring Security 6.5 offers the matcher to applications that
 * publish the two beans below (its "Migrating to 7" guide). The cache filter it still installs, but
 * with nothing left that reads the cache, {@link #withoutHandlerLookupFilter} takes it out.
 */
@Configuration(proxyBeanMethods = false)
class PathPatternMatching {

  private static final Logger log = LoggerFactory.getLogger(PathPatternMatching.class);

  /** The name under which Spring Security and Boot's filter registration find the chain. */
  private static final String FILTER_CHAIN = "springSecurityFilterChain";

  private static final String SECURITY_MVC =
      "org.springframework.security.config.annotation.web.configuration.WebMvcSecurityConfiguration";

  /** The wrapper of the filter chain and the handler lookup filter (Spring Security 6.5). */
  private static final String WRAPPER = SECURITY_MVC + "$CompositeFilterChainProxy";

  private static final String LOOKUP_FILTER =
      SECURITY_MVC + "$HandlerMappingIntrospectorCacheFilterFactoryBean";

  /** Makes {@code requestMatchers(...)} build {@code PathPatternRequestMatcher}s. */
  @Bean
  PathPatternRequestMatcherBuilderFactoryBean requestMatcherBuilder() {
    return new PathPatternRequestMatcherBuilderFactoryBean();
  }

  /**
   * Gives the privilege evaluator what path patterns need, instead of the handler lookup. Spring
   * Security registers its own transformer, for the cache, unless a bean of this name exists.
   */
  @Bean
  PathPatternRequestTransformer pathPatternRequestTransformer() {
    return new PathPatternRequestTransformer();
  }

  /**
   * Puts back the filter chain that Spring Security 6.5 wrapped together with the handler lookup
   * filter. It runs after every bean definition registry post-processor, Spring Security's
   * included, since it is a plain bean factory post-processor.
   *
   * <p>If the definition is not the wrapper this expects (another version of Spring Security), it
   * is left alone with a warning: requests are then still served and secured, only each is looked
   * up once more. {@code AccessPostgresIT} fails in that case, so that an upgrade notices.
   */
  @Bean
  static BeanFactoryPostProcessor withoutHandlerLookupFilter() {
    return beanFactory -> unwrap(beanFactory);
  }

  private static void unwrap(ConfigurableListableBeanFactory beanFactory) {
    if (!(beanFactory instanceof BeanDefinitionRegistry registry)
        || !registry.containsBeanDefinition(FILTER_CHAIN)) {
      return;
    }
    BeanDefinition chain = registry.getBeanDefinition(FILTER_CHAIN);
    if (!WRAPPER.equals(chain.getBeanClassName())) {
      return;
    }
    BeanDefinition inner = innerChain(chain);
    if (inner == null) {
      log.warn(
          "Spring Security's filter chain is wrapped in a way this service does not know; every"
              + " request's handler is looked up twice");
      return;
    }
    registry.removeBeanDefinition(FILTER_CHAIN);
    registry.registerBeanDefinition(FILTER_CHAIN, inner);
  }

  /**
   * The filter chain inside Spring Security 6.5's wrapper: its one constructor argument is the list
   * of the handler lookup filter's definition and the chain's own.
   */
  private static BeanDefinition innerChain(BeanDefinition wrapper) {
    ValueHolder argument = wrapper.getConstructorArgumentValues().getIndexedArgumentValue(0, null);
    if (argument == null
        || !(argument.getValue() instanceof List<?> filters)
        || filters.size() != 2) {
      return null;
    }
    BeanDefinition chain = null;
    boolean lookup = false;
    for (Object filter : filters) {
      if (!(filter instanceof BeanDefinition definition)) {
        return null;
      }
      if (LOOKUP_FILTER.equals(definition.getBeanClassName())) {
        lookup = true;
      } else {
        chain = definition;
      }
    }
    return lookup ? chain : null;
  }
}
