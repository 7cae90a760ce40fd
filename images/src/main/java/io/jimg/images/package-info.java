/** images. */
package io.jimg.images;
