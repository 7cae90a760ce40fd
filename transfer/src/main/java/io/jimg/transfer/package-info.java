/** transfer. */
package io.jimg.transfer;
