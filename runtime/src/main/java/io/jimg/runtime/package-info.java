/** runtime. */
package io.jimg.runtime;
